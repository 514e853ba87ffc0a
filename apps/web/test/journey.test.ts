import { describe, expect, it } from "vitest";
import {
  alertTexts,
  fillLogIn,
  logIn,
  logOut,
  PASSWORD,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

describe("the whole journey in a browser", () => {
  it("sign up → account → log out → log in → change password → log in with the new one", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();

    await signUp(page, email, "Grace Hopper");
    expect(page.url()).toBe(`${app.url}/account`);
    const profile = page.getByRole("region", { name: "Profile" });
    await expect(profile.getByText(email).isVisible()).resolves.toBe(true);
    const cookies = await context.cookies();
    // The refresh token, and the device token that keeps this browser signing in through a lockout.
    expect(cookies.map((c) => c.name).sort()).toEqual(["sesame_device", "sesame_refresh"]);
    expect(cookies.every((c) => c.httpOnly)).toBe(true);
    // The access token lives in memory only; storage holds just the hint that a session may exist.
    const stored = await page.evaluate(() => ({
      local: Object.entries(localStorage),
      session: Object.entries(sessionStorage),
    }));
    expect(stored).toEqual({ local: [["sesame-may-be-signed-in", "1"]], session: [] });

    await logOut(page);
    await page.getByText("You have logged out.").waitFor();
    // Logging out ends the session; the device token stays (it grants nothing on its own).
    expect((await context.cookies()).map((c) => c.name)).toEqual(["sesame_device"]);

    await logIn(page, email);
    await page.getByRole("link", { name: "Password", exact: true }).click();
    await page.getByRole("heading", { name: "Change password" }).waitFor();
    const newPassword = "a brand new passphrase";
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your password has been changed.").waitFor();
    expect(await alertTexts(page)).toEqual([]);

    await logOut(page);
    await fillLogIn(page, email, PASSWORD);
    await page.getByText("That email and password don't match").waitFor();
    await fillLogIn(page, email, newPassword);
    await page.getByRole("heading", { name: "Hello, Grace Hopper" }).waitFor();
    await context.close();
  });
});
