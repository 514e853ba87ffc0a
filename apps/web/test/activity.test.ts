import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  activityList,
  fillLogIn,
  logOut,
  PASSWORD,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

/** Each shown event as "title" or "title [This session]", newest first. */
const eventsShown = (list: Locator): Promise<string[]> =>
  list.getByRole("listitem").evaluateAll((items) =>
    items.map((item) => {
      const title = item.querySelector(".activity-title > span")?.textContent ?? "";
      return item.querySelector(".badge") ? `${title} [This session]` : title;
    }),
  );

describe("recent activity", () => {
  it("lists a wrong password and the sign-in after it, this session's events marked", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();

    await signUp(page, email);
    await logOut(page);
    await fillLogIn(page, email, "not the password");
    await page.getByRole("alert").getByText("That email and password don't match").waitFor();
    await fillLogIn(page, email, PASSWORD);
    await page.getByRole("heading", { name: /^Hello, / }).waitFor();

    await page.getByRole("link", { name: "Activity", exact: true }).click();
    await page.getByRole("heading", { name: "Recent activity" }).waitFor();
    const list = activityList(page);
    await list.getByRole("listitem").first().waitFor();
    expect(await eventsShown(list)).toEqual([
      "Signed in [This session]",
      "Wrong password entered",
      "Signed out",
      "Account created",
    ]);
    expect(await app.auditTypes(email)).toEqual([
      "login_succeeded",
      "login_failed",
      "logout",
      "register",
    ]);
    const signIn = list.getByRole("listitem").first();
    expect(await signIn.getByText("Chrome on Linux").isVisible()).toBe(true);
    expect(await signIn.getByText("IP 127.0.0.1").isVisible()).toBe(true);
    const when = signIn.locator("time");
    expect(await when.textContent()).toBe("just now");
    // The absolute time is there on hover, and the machine-readable one for assistive tech.
    expect(await when.getAttribute("title")).toMatch(/\d{4}, \d{1,2}:\d\d/);
    expect(Date.parse((await when.getAttribute("datetime")) ?? "")).not.toBeNaN();

    // A reload brings the session back with a refresh: hidden until asked for, then this session's.
    await page.reload();
    await page.getByRole("heading", { name: "Recent activity" }).waitFor();
    const toggle = page.getByRole("checkbox", { name: "Show session refreshes (1)" });
    expect(await toggle.isChecked()).toBe(false);
    expect(await eventsShown(list)).toHaveLength(4);
    await toggle.check();
    await list.getByText("Session refreshed").waitFor();
    expect(await eventsShown(list)).toEqual([
      "Session refreshed [This session]",
      "Signed in [This session]",
      "Wrong password entered",
      "Signed out",
      "Account created",
    ]);
    await context.close();
  });
});
