import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  devicesList,
  fillLogIn,
  logIn,
  logOut,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import { PHONE } from "./support/chromium.ts";

const suite = browserSuite();

/** What has the keyboard: the element's tag and its accessible text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return `${element?.tagName.toLowerCase()}: ${element?.textContent?.trim() ?? ""}`;
  });

describe("keyboard focus where the pressed control is gone or busy", () => {
  it("a refused log-in keeps the focus on the form, not on <body>", async () => {
    await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await logOut(page);

    await fillLogIn(page, email, "not the password");
    await page.getByRole("alert").getByText("That email and password don't match").waitFor();
    expect(await focused(page)).toBe("button: Log in");
    await context.close();
  });

  it("devices: the confirmation takes the focus and gives it back; a signed-out device's message takes it", async () => {
    await suite.start();
    const laptop = await suite.openContext();
    const phone = await suite.openContext();
    const page = await laptop.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await logIn(await phone.newPage(), email);
    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await devicesList(page).getByRole("listitem").nth(1).waitFor();

    await page.getByRole("button", { name: "Log out everywhere…" }).press("Enter");
    await expect.poll(() => focused(page)).toBe("button: Cancel");
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(page)).toBe("button: Log out everywhere…");

    await page.getByRole("button", { name: /^Sign out / }).press("Enter");
    await expect.poll(() => focused(page)).toMatch(/^div: Signed out /);
    await laptop.close();
    await phone.close();
  });
});

describe("what only some users hit", () => {
  it("a long name wraps on a phone instead of widening the page", async () => {
    await suite.start();
    const context = await suite.openContext(PHONE);
    const page = await context.newPage();
    await signUp(page, uniqueEmail(), `Wolfeschlegelsteinhausenbergerdorff${"x".repeat(55)}`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await context.close();
  });

  it("a failed log-out is shown where it happened, not on every page after", async () => {
    await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    await signUp(page, uniqueEmail());
    await context.route("**/trpc/auth.logout**", (route) => route.abort("connectionrefused"));

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("alert").getByText("Can't reach Sesame").waitFor();
    expect(await focused(page)).toBe("button: Log out");

    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await devicesList(page).getByRole("listitem").first().waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    await context.close();
  });
});
