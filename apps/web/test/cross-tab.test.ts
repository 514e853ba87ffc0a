import { describe, expect, it } from "vitest";
import {
  devicesList,
  logIn,
  loginHeading,
  logOut,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

describe("one session, many tabs and devices", () => {
  it("logging out in one tab shows every other tab the login page", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const first = await context.newPage();
    const email = uniqueEmail();
    await signUp(first, email);
    const others = await Promise.all([1, 2].map(() => context.newPage()));
    await Promise.all(others.map((page) => page.goto("/devices")));
    await Promise.all(others.map((page) => devicesList(page).waitFor()));

    await logOut(first);
    for (const page of others) {
      await loginHeading(page).waitFor();
      await page.getByText("You logged out in another tab.").waitFor();
    }
    expect(await app.liveSessions(email)).toEqual([]);
    await context.close();
  });

  it("a device signed out from another browser lands on login at its next action", async () => {
    await suite.start();
    const laptop = await suite.openContext();
    const phone = await suite.openContext();
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    const email = uniqueEmail();
    await signUp(laptopPage, email);
    await logIn(phonePage, email);

    await phonePage.getByRole("link", { name: "Devices", exact: true }).click();
    const items = devicesList(phonePage).getByRole("listitem");
    await expect.poll(() => items.count()).toBe(2);
    await phonePage.getByRole("button", { name: /^Sign out / }).click();
    await phonePage.getByText(/^Signed out Chrome on /).waitFor();
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().textContent()).toContain("This device");

    await laptopPage.getByRole("link", { name: "Devices", exact: true }).click();
    await loginHeading(laptopPage).waitFor();
    await laptopPage.getByText("This device was signed out").waitFor();
    // The phone is unaffected.
    await phonePage.reload();
    await devicesList(phonePage).waitFor();
    await laptop.close();
    await phone.close();
  });

  it("a revoked device that reloads finds out through its refresh, and its cookie is cleared", async () => {
    const app = await suite.start();
    const laptop = await suite.openContext();
    const phone = await suite.openContext();
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    const email = uniqueEmail();
    await signUp(laptopPage, email);
    await logIn(phonePage, email);

    await phonePage.goto("/devices");
    await phonePage.getByRole("button", { name: /^Sign out / }).click();
    await expect.poll(async () => (await app.liveSessions(email)).length).toBe(1);

    await laptopPage.reload();
    await loginHeading(laptopPage).waitFor();
    await laptopPage.getByText("This device was signed out").waitFor();
    expect((await laptop.cookies()).map((c) => c.name)).toEqual(["sesame_device"]);
    await laptop.close();
    await phone.close();
  });

  it("log out everywhere signs out this browser and every other device", async () => {
    const app = await suite.start();
    const laptop = await suite.openContext();
    const phone = await suite.openContext();
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    const email = uniqueEmail();
    await signUp(laptopPage, email);
    await logIn(phonePage, email);

    await laptopPage.getByRole("link", { name: "Devices", exact: true }).click();
    await laptopPage.getByRole("button", { name: "Log out everywhere…" }).click();
    await laptopPage.getByRole("button", { name: "Yes, log out everywhere" }).click();

    await loginHeading(laptopPage).waitFor();
    expect(await app.liveSessions(email)).toEqual([]);
    await phonePage.getByRole("link", { name: "Devices", exact: true }).click();
    await loginHeading(phonePage).waitFor();
    await laptop.close();
    await phone.close();
  });
});
