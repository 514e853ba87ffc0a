import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from "jose";
import type { BrowserContext, Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  devicesList,
  fillLogIn,
  loginHeading,
  PASSWORD,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import type { SesameApp } from "./support/sesame-app.ts";
import { withoutPasskeyAutofill } from "./support/virtual-authenticator.ts";

const suite = browserSuite();

const signedInHeading = (page: Page) => page.getByRole("heading", { name: /^Hello, / });

/** The key pair the app keeps in IndexedDB, as script on the page can see it. */
function storedKeyPair(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("sesame-dpop");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const pair = await new Promise<CryptoKeyPair | undefined>((resolve, reject) => {
      const read = db.transaction("keys").objectStore("keys").get("dpop");
      read.onsuccess = () => resolve(read.result);
      read.onerror = () => reject(read.error);
    });
    db.close();
    if (!pair) return null;
    const { privateKey, publicKey } = pair;
    const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", publicKey);
    return {
      isCryptoKey: privateKey instanceof CryptoKey,
      extractable: privateKey.extractable,
      algorithm: privateKey.algorithm,
      // What an XSS would try: it gets the key's use, never the key.
      exportAttempt: await crypto.subtle.exportKey("jwk", privateKey).then(
        () => "exported",
        (error: Error) => error.name,
      ),
      publicJwk: { kty, crv, x, y },
    };
  });
}

/** Every request of the context to a procedure, kept with the headers it carried. */
function recordRequests(context: BrowserContext, path: string): Request[] {
  const requests: Request[] = [];
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === `/trpc/${path}`) requests.push(request);
  });
  return requests;
}

/** The thumbprint of the key a request's DPoP proof names (undefined without a proof). */
async function proofKeyOf(request: Request | undefined): Promise<string | undefined> {
  const proof = (await request?.allHeaders())?.dpop;
  if (!proof) return undefined;
  const { jwk } = decodeProtectedHeader(proof);
  return jwk ? calculateJwkThumbprint(jwk) : undefined;
}

/** The browser's refresh cookie, replayed by someone who stole it: from Node, without the key. */
async function replayRefreshCookie(app: SesameApp, context: BrowserContext) {
  const cookies = await context.cookies(`${app.url}/trpc/auth.refresh`);
  const response = await fetch(`${app.url}/trpc/auth.refresh`, {
    method: "POST",
    headers: {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      origin: app.url,
      "content-type": "application/json",
    },
    body: "{}",
  });
  const body = (await response.json()) as { error?: { data?: { authCode?: string } } };
  return { status: response.status, authCode: body.error?.data?.authCode };
}

describe("a session bound to this browser's DPoP key (RFC 9449)", () => {
  it("keeps a key script cannot export, so a stolen refresh cookie is refused while this browser reloads and calls on", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const registers = recordRequests(context, "auth.register");
    const refreshes = recordRequests(context, "auth.refresh");
    const me = recordRequests(context, "user.me");
    await signUp(page, uniqueEmail());

    const stored = await storedKeyPair(page);
    expect(stored).toMatchObject({
      isCryptoKey: true,
      extractable: false,
      algorithm: { name: "ECDSA", namedCurve: "P-256" },
      exportAttempt: "InvalidAccessError",
    });
    // The sign-up proved that very key, which is what the session is now bound to.
    expect(registers).toHaveLength(1);
    expect(await proofKeyOf(registers[0])).toBe(
      await calculateJwkThumbprint(stored?.publicJwk ?? {}),
    );

    expect(await replayRefreshCookie(app, context)).toEqual({
      status: 401,
      authCode: "DPOP_INVALID",
    });

    // The refused replay spent nothing: the same cookie, proved by the same key, restores the session.
    await page.reload();
    await signedInHeading(page).waitFor();
    const restored = await refreshes.at(-1)?.response();
    expect(restored?.status()).toBe(200);
    expect(await proofKeyOf(refreshes.at(-1))).toBe(await proofKeyOf(registers[0]));

    // Access tokens stay bearer: the pages' calls carry no proof, and work from anywhere.
    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await devicesList(page).getByRole("listitem").first().waitFor();
    const greeted = await me.at(-1)?.allHeaders();
    expect(greeted?.dpop).toBeUndefined();
    const bearer = greeted?.authorization;
    expect(bearer).toMatch(/^Bearer /);
    const fromNode = await fetch(`${app.url}/trpc/user.me`, {
      headers: { authorization: bearer ?? "" },
    });
    expect(fromNode.status).toBe(200);
    await context.close();
  });

  it("is one key for two tabs that sign up together, both making one at the same time", async () => {
    await suite.start();
    const context = await suite.openContext();
    // Both tabs find no key and make one before either has stored it: each tab's key
    // generation waits until the other tab's has begun (or 5 s), whatever the click timing.
    await context.addInitScript(() => {
      const generateKey = crypto.subtle.generateKey.bind(crypto.subtle);
      const gate = new BroadcastChannel("test-key-generation");
      const otherTabBegan = new Promise((resolve) => gate.addEventListener("message", resolve));
      crypto.subtle.generateKey = (async (...args: Parameters<typeof generateKey>) => {
        gate.postMessage("generating");
        await Promise.race([otherTabBegan, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        return generateKey(...args);
      }) as typeof crypto.subtle.generateKey;
    });
    const registers = recordRequests(context, "auth.register");
    const tabs = [await context.newPage(), await context.newPage()];
    await Promise.all(tabs.map((tab) => tab.goto("/signup")));
    for (const tab of tabs) {
      await tab.getByLabel("Name (optional)", { exact: true }).fill("Ada Lovelace");
      await tab.getByLabel("Email", { exact: true }).fill(uniqueEmail());
      await tab.getByLabel("Password", { exact: true }).fill(PASSWORD);
    }

    await Promise.all(
      tabs.map((tab) => tab.getByRole("button", { name: "Create account" }).click()),
    );
    // The first sign-up signs the other tab in too; its own request is still on its way.
    await expect.poll(() => registers.length, { timeout: 10_000 }).toBe(2);
    const answers = await Promise.all(registers.map((request) => request.response()));
    expect(answers.map((answer) => answer?.status())).toEqual([200, 200]);

    const [first, second] = await Promise.all(registers.map(proofKeyOf));
    expect(first).toBeDefined();
    expect(second).toBe(first);
    const stored = await storedKeyPair(tabs[0] as Page);
    expect(await calculateJwkThumbprint(stored?.publicJwk ?? {})).toBe(first);
    await context.close();
  });

  it("on a device whose clock is five minutes slow, dates its proofs by the server's clock", async () => {
    const app = await suite.start();
    const email = uniqueEmail();
    const elsewhere = await suite.openContext();
    await signUp(await elsewhere.newPage(), email);
    await elsewhere.close();
    const context = await suite.openContext();
    // The log-in page's first call is then the log-in: no passkey challenge asked for in the
    // background, and no list of providers (either answer's Date would correct the clock first).
    await withoutPasskeyAutofill(context);
    await context.route("**/trpc/auth.oauthProviders*", (route) => route.abort());
    await context.addInitScript(() => {
      // The app dates proofs by Date.now(): this device's clock.
      const now = Date.now;
      Date.now = () => now() - 5 * 60_000;
    });
    const logins = recordRequests(context, "auth.login");
    const refreshes = recordRequests(context, "auth.refresh");
    const page = await context.newPage();

    await page.goto("/login");
    await fillLogIn(page, email, PASSWORD);
    await signedInHeading(page).waitFor();
    await page.reload();
    await signedInHeading(page).waitFor();

    // Each page's first proof, by the device's clock, is refused; its answer's Date corrects the clock.
    for (const requests of [logins, refreshes]) {
      const statuses = await Promise.all(requests.map(async (r) => (await r.response())?.status()));
      expect(statuses).toEqual([401, 200]);
      const iat = decodeJwt((await requests[1]?.allHeaders())?.dpop ?? "").iat ?? 0;
      expect(Math.abs(iat * 1000 - Date.now())).toBeLessThan(5_000);
    }
    expect(await loginHeading(page).count()).toBe(0);
    expect(await app.liveSessions(email)).toHaveLength(2);
    await context.close();
  });
});
