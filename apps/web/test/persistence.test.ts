import { describe, expect, it } from "vitest";
import {
  countRefreshes,
  devicesList,
  loginHeading,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

describe("a session that outlives the page", () => {
  it("a first visit asks the server nothing and leaves the console clean", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const refreshes = countRefreshes(context);
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    await page.goto("/account");
    await loginHeading(page).waitFor();
    expect(page.url()).toBe(`${app.url}/login`);
    expect(refreshes.count).toBe(0);
    expect(consoleErrors).toEqual([]);

    // Once signed in, the next load does ask: the hint remembers a session may exist.
    await signUp(page, uniqueEmail());
    await page.reload();
    await page.getByRole("heading", { name: /^Hello, / }).waitFor();
    expect(refreshes.count).toBe(1);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it("survives a reload and a new tab, each restored by one refresh through the cookie", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
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
    const app = await suite.start();
    const context = await suite.openContext();
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
    const app = await suite.start();
    const context = await suite.openContext();
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
