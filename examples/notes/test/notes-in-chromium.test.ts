import type { Browser, BrowserContext, Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openProfile } from "./support/chromium.ts";
import { type NotesApp, startNotesApp } from "./support/notes-app.ts";
import {
  addNote,
  alertTexts,
  logInHeading,
  noteItem,
  notesHeading,
  signUp,
  uniqueEmail,
  watchCalls,
} from "./support/notes-page-driver.ts";

// One Chromium and one server for the file; each test has a profile (cookies, storage) and a user of its own.
let browser: Browser;
let app: NotesApp;
let context: BrowserContext;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchChromium(), startNotesApp()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});
afterEach(async () => {
  await context?.close();
  app.restoreClock();
});

async function newPage() {
  context = await openProfile(browser, app.url);
  return context.newPage();
}

/** A tRPC answer's body, whether the call went alone or in a batch of one. */
async function resultOf(response: Response): Promise<{ json: unknown; meta?: unknown }> {
  const body = await response.json();
  return (Array.isArray(body) ? body[0] : body).result.data;
}

describe("the notes app, with Sesame under `auth`, in Chromium", () => {
  it("signs up, and adds a note through the app's own protected procedure, its Date carried by superjson", async () => {
    const page = await newPage();
    await signUp(page, uniqueEmail());

    const added = page.waitForResponse((r) => new URL(r.url()).pathname === "/trpc/notes.add");
    await addNote(page, "Buy oat milk");

    const answer = await added;
    expect(answer.status()).toBe(200);
    // The app's transformer on the wire: superjson says createdAt is a Date.
    expect((await resultOf(answer)).meta).toMatchObject({ values: { createdAt: ["Date"] } });
    const shownTime = await noteItem(page, "Buy oat milk").locator("time").getAttribute("datetime");
    expect(Math.abs(Date.parse(shownTime ?? "") - Date.now())).toBeLessThan(60_000);
    expect(await alertTexts(page)).toEqual([]);
  });

  it("after the access token expires, refreshes invisibly: the next call of the app's own just works", async () => {
    const page = await newPage();
    await signUp(page, uniqueEmail());
    await addNote(page, "Before expiry");
    const refreshes = watchCalls(context, "auth.auth.refresh");
    const refused: string[] = [];
    page.on("response", async (response) => {
      if (response.status() === 401) refused.push(await response.text());
    });

    app.expireAccessTokens();
    await addNote(page, "After expiry");

    expect(refreshes.count).toBe(1);
    // The server did refuse the old token: the refresh was the link's doing, under the `auth` prefix.
    expect(refused.join()).toContain("TOKEN_EXPIRED");
    expect(await alertTexts(page)).toEqual([]);
    expect(await noteItem(page, "Before expiry").count()).toBe(1);
  });

  it("after a reload, is still signed in: the httpOnly refresh cookie brings the session back", async () => {
    const page = await newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await addNote(page, "Survives a reload");
    const refreshes = watchCalls(context, "auth.auth.refresh");

    await page.reload();

    await noteItem(page, "Survives a reload").waitFor();
    await expect(page.getByText(email).isVisible()).resolves.toBe(true);
    expect(refreshes.count).toBe(1);
    const cookie = (await context.cookies()).find((c) => c.name === "sesame_refresh");
    expect(cookie?.httpOnly).toBe(true);
    // The page keeps no token where a script could read it after a reload.
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toMatch(/eyJ/);
  });

  it("logs out: the session's access token no longer opens the notes procedure, and a reload stays signed out", async () => {
    const page = await newPage();
    await signUp(page, uniqueEmail());
    const adding = page.waitForRequest((r) => new URL(r.url()).pathname === "/trpc/notes.add");
    await addNote(page, "Private");
    const authorization = (await adding).headers().authorization ?? "";
    expect(authorization).toMatch(/^Bearer /);

    await page.getByRole("button", { name: "Log out" }).click();
    await logInHeading(page).waitFor();

    const withOldToken = await context.request.get("/trpc/notes.list", {
      headers: { authorization },
    });
    expect(withOldToken.status()).toBe(401);
    expect(await withOldToken.text()).toContain("SESSION_REVOKED");
    const withNoToken = await context.request.get("/trpc/notes.list");
    expect(await withNoToken.text()).toContain("TOKEN_MISSING");
    expect((await context.cookies()).map((c) => c.name)).not.toContain("sesame_refresh");

    await page.reload();
    await logInHeading(page).waitFor();
    expect(await notesHeading(page).count()).toBe(0);
  });
});
