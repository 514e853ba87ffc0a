import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  countRefreshes,
  devicesList,
  loginHeading,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { launchChromium, openContext } from "./support/chromium.ts";
import { type SesameApp, startSesameApp } from "./support/sesame-app.ts";

let browser: Browser;
let app: SesameApp;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser.close());
afterEach(() => app?.close());

describe("a session that outlives the page", () => {
  it("survives a reload and a new tab, each restored by one refresh through the cookie", async () => {
    app = await startSesameApp();
    const context = await openContext(browser, app.url);
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Alan Turing");
    const refreshes = countRefreshes(context);

    await page.reload();
    await page.getByRole("heading", { name: "Hello, Alan Turing" }).waitFor();
    expect(refreshes.count).toBe(1);

    const tab = await context.newPage();
    await tab.goto("/devices");
    await devicesList(tab).getByRole("listitem").waitFor();
    expect(refreshes.count).toBe(2);
    expect(await app.liveSessions(email)).toHaveLength(1);
    await context.close();
  });

  it("is gone once the cookie is cleared: the reload lands on login, with nothing to apologise for", async () => {
    app = await startSesameApp();
    const context = await openContext(browser, app.url);
    const page = await context.newPage();
    await signUp(page, uniqueEmail());

    await context.clearCookies();
    await page.reload();

    await loginHeading(page).waitFor();
    expect(page.url()).toBe(`${app.url}/login`);
    expect(await page.getByRole("status").allInnerTexts()).toEqual([]);
    await context.close();
  });

  it("brings the user back to the page they asked for after logging in", async () => {
    app = await startSesameApp();
    const context = await openContext(browser, app.url);
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await context.clearCookies();

    await page.goto("/devices");
    await loginHeading(page).waitFor();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
    await page.getByRole("button", { name: "Log in" }).click();

    await devicesList(page).waitFor();
    expect(page.url()).toBe(`${app.url}/devices`);
    await context.close();
  });
});
