import { afterEach, describe, expect, it } from "vitest";
import { freePort, RedirectWalker } from "./support/oauth-browser.ts";
import { type OidcTestProvider, startOidcTestProvider } from "./support/oidc-test-provider.ts";
import { rawCall } from "./support/raw-call.ts";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "./support/test-server.ts";

const NATIVE_REDIRECT = "com.example.app:/oauth/callback";
const providers: OidcTestProvider[] = [];
afterEach(async () => {
  while (providers.length > 0) await providers.pop()?.close();
});

/** Sesame on a port known in advance, with the test OpenID Provider configured as "test". */
async function withProvider(env: Record<string, string> = {}) {
  const port = await freePort();
  const callback = `http://localhost:${port}/auth/oauth/test/callback`;
  const idp = await startOidcTestProvider([callback, NATIVE_REDIRECT]);
  providers.push(idp);
  const server = await startTestServer({
    PORT: String(port),
    OAUTH_PROVIDERS: JSON.stringify([
      {
        id: "test",
        name: "Test ID",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
      },
    ]),
    OAUTH_REDIRECT_URIS: NATIVE_REDIRECT,
    ...env,
  });
  return { server, idp, callback };
}

/** The browser flow up to Sesame's callback: start, the provider's sign-in, its redirect back. */
async function browserFlow(server: TestServer, returnTo = "/account") {
  const walker = new RedirectWalker();
  const start = await walker.get(
    `${server.url}/auth/oauth/test/start?returnTo=${encodeURIComponent(returnTo)}`,
  );
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location") ?? "");
  const callback = await walker.walk(
    authorize.href,
    (url) => url.pathname === "/auth/oauth/test/callback",
  );
  // The browser reaches Sesame where it started (the test calls it by 127.0.0.1, the link says localhost).
  const atSesame = new URL(`${callback.pathname}${callback.search}`, server.url);
  return { walker, authorize, atSesame };
}

async function finishBrowserFlow(_server: TestServer, walker: RedirectWalker, atSesame: URL) {
  const response = await walker.get(atSesame.href);
  return { status: response.status, location: response.headers.get("location") ?? "", response };
}

/** A refresh with the cookie the callback set: the session it opened. */
async function sessionFromCookie(server: TestServer, walker: RedirectWalker) {
  const host = new URL(server.url).host;
  return rawCall(
    server.url,
    "auth.refresh",
    {},
    { cookie: walker.cookiesFor(host), origin: server.url },
  );
}

describe("sign in with an OpenID Connect provider (a real one: oidc-provider)", () => {
  it("the browser flow: PKCE S256, state and nonce; a new account, verified by the provider, signed in by cookie", async () => {
    const { server, idp } = await withProvider();
    const email = uniqueEmail();
    idp.signInAs({ sub: "alice-1", email, emailVerified: true });
    const { walker, authorize, atSesame } = await browserFlow(server);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("state")).toBeTruthy();
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    const done = await finishBrowserFlow(server, walker, atSesame);
    expect(done).toMatchObject({ status: 302, location: "/account" });
    const session = await sessionFromCookie(server, walker);
    expect(session.status).toBe(200);
    expect(session.data.user).toMatchObject({ email, emailVerified: true });
    const me = server.client({ accessToken: session.data.accessToken });
    // The account made by the provider and the sign-in each name it.
    const events = await me.api.audit.list.query({ types: ["register", "oauth_sign_in"] });
    expect(events.map((event) => [event.type, event.detail])).toEqual([
      ["oauth_sign_in", { provider: "test" }],
      ["register", { provider: "test" }],
    ]);
    expect(await me.api.identity.list.query()).toEqual([
      expect.objectContaining({ provider: "test", name: "Test ID", email }),
    ]);
    // The account has no password: a password sign-in fails like a wrong one.
    expect(
      await authCodeOf(server.client().api.auth.login.mutate({ email, password: PASSWORD })),
    ).toBe("INVALID_CREDENTIALS");
    // And the same identity signs in to the same account next time.
    idp.signInAs({ sub: "alice-1", email, emailVerified: true });
    const again = await browserFlow(server);
    await finishBrowserFlow(server, again.walker, again.atSesame);
    expect((await sessionFromCookie(server, again.walker)).data.user).toMatchObject({ email });
    expect(
      Number(await server.queryValue("SELECT count(*) FROM users WHERE email = ?", email)),
    ).toBe(1);
  });

  it("a callback without the browser's cookie, with a wrong or missing state, or replayed, creates no session", async () => {
    const { server, idp } = await withProvider();
    idp.signInAs({ sub: "bob-1", email: uniqueEmail(), emailVerified: true });
    const { walker, atSesame } = await browserFlow(server);
    // Another browser (an attacker's page) brings the victim's callback: no cookie.
    const stranger = new RedirectWalker();
    expect((await finishBrowserFlow(server, stranger, atSesame)).location).toBe(
      "/login#error=OAUTH_STATE_INVALID",
    );
    const wrongState = new URL(atSesame);
    wrongState.searchParams.set("state", "not-the-state");
    expect((await finishBrowserFlow(server, walker, wrongState)).location).toBe(
      "/login#error=OAUTH_STATE_INVALID",
    );
    const users = Number(await server.queryValue("SELECT count(*) FROM users"));
    expect(users).toBe(0);
  });

  it("a code is good once: the same callback replayed is refused", async () => {
    const { server, idp } = await withProvider();
    idp.signInAs({ sub: "carol-1", email: uniqueEmail(), emailVerified: true });
    const { walker, atSesame } = await browserFlow(server);
    await walker.get(`${server.url}/auth/oauth/test/start`); // a fresh binding cookie for the replay
    const first = await finishBrowserFlow(server, walker, atSesame);
    expect(first.location).toMatch(/^\/login#error=|^\/account$/);
    const replay = await finishBrowserFlow(server, walker, atSesame);
    expect(replay.location).toBe("/login#error=OAUTH_STATE_INVALID");
  });

  it("returnTo must be a path on this site: another origin is refused before anything", async () => {
    const { server } = await withProvider();
    for (const returnTo of [
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const response = await fetch(
        `${server.url}/auth/oauth/test/start?returnTo=${encodeURIComponent(returnTo)}`,
        {
          redirect: "manual",
        },
      );
      expect(response.status, returnTo).toBe(302);
      expect(response.headers.get("location"), returnTo).toBe("/login#error=INVALID_INPUT");
    }
  });

  it("an unknown provider goes back to the login page with its code", async () => {
    const { server } = await withProvider();
    const response = await fetch(`${server.url}/auth/oauth/nope/start`, { redirect: "manual" });
    expect(response.headers.get("location")).toBe("/login#error=OAUTH_PROVIDER_UNKNOWN");
  });

  it("an existing account joins only when both sides verified the address; else ACCOUNT_EXISTS", async () => {
    const { server, idp } = await withProvider();
    const { email } = await signedUp(server);
    // The provider does not vouch for the address: no takeover of the account.
    idp.signInAs({ sub: "mallory-1", email, emailVerified: false });
    const unverified = await browserFlow(server);
    expect((await finishBrowserFlow(server, unverified.walker, unverified.atSesame)).location).toBe(
      "/login#error=ACCOUNT_EXISTS",
    );
    // Sesame never verified it either: still no.
    idp.signInAs({ sub: "owner-1", email, emailVerified: true });
    const ownerFirst = await browserFlow(server);
    expect((await finishBrowserFlow(server, ownerFirst.walker, ownerFirst.atSesame)).location).toBe(
      "/login#error=ACCOUNT_EXISTS",
    );
    await server.query("UPDATE users SET email_verified_at = 1 WHERE email = ?", email);
    idp.signInAs({ sub: "owner-1", email, emailVerified: true });
    const owner = await browserFlow(server);
    expect((await finishBrowserFlow(server, owner.walker, owner.atSesame)).location).toBe(
      "/account",
    );
    expect((await sessionFromCookie(server, owner.walker)).data.user).toMatchObject({ email });
  });

  it("the native flow: an allow-listed redirect URI, the code over HTTP, tokens in the body", async () => {
    const { server, idp } = await withProvider();
    const api = server.client().api;
    expect(
      await authCodeOf(
        api.auth.oauthStart.mutate({ provider: "test", redirectUri: "com.evil.app:/cb" }),
      ),
    ).toBe("OAUTH_REDIRECT_URI_INVALID");
    const { url } = await api.auth.oauthStart.mutate({
      provider: "test",
      redirectUri: NATIVE_REDIRECT,
    });
    const email = uniqueEmail();
    idp.signInAs({ sub: "native-1", email, emailVerified: true });
    const back = await new RedirectWalker().walk(url, (u) => u.protocol === "com.example.app:");
    const result = await api.auth.oauthFinish.mutate({
      provider: "test",
      code: back.searchParams.get("code") ?? "",
      state: back.searchParams.get("state") ?? "",
      iss: back.searchParams.get("iss") ?? undefined,
      redirectUri: NATIVE_REDIRECT,
    });
    expect(result.user.email).toBe(email);
    expect(result.refreshToken).toEqual(expect.any(String));
    // The same code again: the state is spent.
    expect(
      await authCodeOf(
        api.auth.oauthFinish.mutate({
          provider: "test",
          code: back.searchParams.get("code") ?? "",
          state: back.searchParams.get("state") ?? "",
          redirectUri: NATIVE_REDIRECT,
        }),
      ),
    ).toBe("OAUTH_STATE_INVALID");
  });

  it("linking from the account page, and unlink refusing the last way in", async () => {
    const { server, idp } = await withProvider();
    // A password-less account made by the provider: its identity is its only way in.
    const email = uniqueEmail();
    idp.signInAs({ sub: "dave-1", email, emailVerified: true });
    const flow = await browserFlow(server);
    await finishBrowserFlow(server, flow.walker, flow.atSesame);
    const dave = server.client({
      accessToken: (await sessionFromCookie(server, flow.walker)).data.accessToken,
    });
    expect(await authCodeOf(dave.api.identity.unlink.mutate({ provider: "test" }))).toBe(
      "LAST_SIGN_IN_METHOD",
    );
    // An account with a password links the provider from its account page, then may unlink it.
    const erin = await signedUp(server);
    const host = new URL(server.url).host;
    const link = await fetch(`${server.url}/trpc/identity.linkStart`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${erin.client.accessToken}`,
      },
      body: JSON.stringify({ provider: "test" }),
    });
    const { url } = ((await link.json()) as { result: { data: { url: string } } }).result.data;
    const walker = new RedirectWalker();
    // The browser keeps the binding cookie linkStart set.
    const bound = link.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    idp.signInAs({ sub: "erin-elsewhere", email: uniqueEmail(), emailVerified: true });
    const callback = await walker.walk(url, (u) => u.pathname === "/auth/oauth/test/callback");
    const response = await fetch(new URL(`${callback.pathname}${callback.search}`, server.url), {
      redirect: "manual",
      headers: { cookie: bound },
    });
    expect(response.headers.get("location")).toBe("/account");
    expect(await erin.client.api.identity.list.query()).toEqual([
      expect.objectContaining({ provider: "test" }),
    ]);
    expect(await erin.client.api.identity.unlink.mutate({ provider: "test" })).toEqual({
      ok: true,
    });
    const changes = await erin.client.api.audit.list.query({
      types: ["identity_linked", "identity_unlinked"],
    });
    expect(changes.map((event) => [event.type, event.detail])).toEqual([
      ["identity_unlinked", { provider: "test" }],
      ["identity_linked", { provider: "test" }],
    ]);
    expect(host).toBeTruthy();
  });
});
