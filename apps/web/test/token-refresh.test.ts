import { describe, expect, it } from "vitest";
import {
  alertTexts,
  countRefreshes,
  devicesList,
  loginHeading,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

describe("an access token that expires mid-session", () => {
  it("is refreshed once, invisibly: the next action just works", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    const refreshes = countRefreshes(context);
    const expired: string[] = [];
    page.on("response", async (response) => {
      if (response.status() === 401) expired.push(await response.text());
    });

    app.expireAccessTokens();
    await page.getByRole("link", { name: "Devices", exact: true }).click();

    await devicesList(page).getByRole("listitem").first().waitFor();
    expect(refreshes.count).toBe(1);
    // The server did refuse the old token: the refresh was the link's doing, not luck.
    expect(expired.join()).toContain("TOKEN_EXPIRED");
    expect(await alertTexts(page)).toEqual([]);
    expect(await loginHeading(page).count()).toBe(0);
    await context.close();
  });

  it("with a short lifetime from config, is refreshed before it expires: no request is ever refused", async () => {
    const ttlSeconds = 6;
    await suite.start({ ACCESS_TOKEN_TTL: String(ttlSeconds), CLOCK_TOLERANCE: "0" });
    const context = await suite.openContext();
    const page = await context.newPage();
    await signUp(page, uniqueEmail());
    const firstTokenExpiresAt = Date.now() + ttlSeconds * 1000;
    const refreshes = countRefreshes(context);
    const refused: string[] = [];
    page.on("response", (response) => {
      if (response.status() === 401) refused.push(response.url());
    });

    // Nothing but time passes: the app refreshes on its own, a fifth of the lifetime early.
    const refreshed = await page.waitForResponse((r) => r.url().includes("/trpc/auth.refresh"));
    expect(refreshed.status()).toBe(200);
    expect(Date.now()).toBeLessThan(firstTokenExpiresAt);
    await page.waitForTimeout(Math.max(0, firstTokenExpiresAt - Date.now()) + 250);

    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await devicesList(page).getByRole("listitem").first().waitFor();
    expect(refreshes.count).toBe(1);
    expect(refused).toEqual([]);
    expect(await alertTexts(page)).toEqual([]);
    await context.close();
  });

  it("in five tabs at once: every tab keeps working, the session survives, nobody is logged out", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const first = await context.newPage();
    const email = uniqueEmail();
    await signUp(first, email);
    const others = await Promise.all([1, 2, 3, 4].map(() => context.newPage()));
    await Promise.all(others.map((page) => page.goto("/account")));
    const tabs = [first, ...others];
    await Promise.all(
      tabs.map((page) => page.getByRole("heading", { name: /^Hello, / }).waitFor()),
    );
    const refreshes = countRefreshes(context);

    app.expireAccessTokens();
    await Promise.all(
      tabs.map((page) => page.getByRole("link", { name: "Devices", exact: true }).click()),
    );

    await Promise.all(tabs.map((page) => devicesList(page).getByRole("listitem").waitFor()));
    for (const page of tabs) {
      expect(await alertTexts(page)).toEqual([]);
      expect(await loginHeading(page).count()).toBe(0);
    }
    // Tabs take turns through the Web Lock and pass the new token along, so most never
    // refresh. A tab granted the lock just before that message arrives refreshes again, with
    // the cookie the first refresh already rotated: an extra rotation, never a spent token.
    expect(refreshes.count).toBeGreaterThanOrEqual(1);
    expect(refreshes.count).toBeLessThan(tabs.length);
    expect(await app.liveSessions(email)).toHaveLength(1);
    const audit = await app.auditTypes(email);
    expect(audit).not.toContain("refresh_reuse_detected");
    expect(audit).not.toContain("session_revoked");
    console.info(`five tabs, tokens expired: ${refreshes.count} refresh(es)`);
    await context.close();
  });
});
