import type { Locator, Page } from "playwright-core";
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
import type { SesameApp } from "./support/sesame-app.ts";

const suite = browserSuite();

/** What has the keyboard: the element's tag and its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return `${element?.tagName.toLowerCase()}: ${element?.textContent?.trim() ?? ""}`;
  });

/** A sign-in attempt straight at the API, as a script guessing passwords would make it. */
async function attempt(url: string, email: string, password: string): Promise<number> {
  const response = await fetch(`${url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "curl/8.5.0" },
    body: JSON.stringify({ email, password, transport: "body" }),
  });
  return response.status;
}

/**
 * What a sign-up adds, sorted: the account, and the link to confirm its
 * address with the mail that carried it. The link is stored while the
 * sign-up answers, so which of them is written first is not fixed.
 */
const SIGN_UP_EVENTS = [
  "Account created",
  "Email sent to you",
  "New link to confirm your email address",
];
const SIGN_UP_TYPES = ["email_sent", "email_verification_requested", "register"];
const sorted = (items: string[]) => [...items].sort();

/** Signs up and waits until the mail it sends is out, so its events are written before the next ones. */
async function signUpAndMail(page: Page, app: SesameApp, email: string): Promise<void> {
  await signUp(page, email);
  await expect.poll(() => app.auditTypes(email)).toContain("email_sent");
}

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

    await signUpAndMail(page, app, email);
    await logOut(page);
    await fillLogIn(page, email, "not the password");
    await page.getByRole("alert").getByText("That email and password don't match").waitFor();
    await fillLogIn(page, email, PASSWORD);
    await page.getByRole("heading", { name: /^Hello, / }).waitFor();

    await page.getByRole("link", { name: "Activity", exact: true }).click();
    await page.getByRole("heading", { name: "Recent activity" }).waitFor();
    const list = activityList(page);
    await list.getByRole("listitem").first().waitFor();
    const shown = await eventsShown(list);
    expect(shown.slice(0, 3)).toEqual([
      "Signed in [This session]",
      "Wrong password entered",
      "Signed out",
    ]);
    expect(sorted(shown.slice(3))).toEqual(SIGN_UP_EVENTS);
    const types = await app.auditTypes(email);
    expect(types.slice(0, 3)).toEqual(["login_succeeded", "login_failed", "logout"]);
    expect(sorted(types.slice(3))).toEqual(SIGN_UP_TYPES);
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
    expect(await eventsShown(list)).toHaveLength(6);
    await toggle.check();
    await list.getByText("Session refreshed").waitFor();
    expect((await eventsShown(list)).slice(0, 4)).toEqual([
      "Session refreshed [This session]",
      "Signed in [This session]",
      "Wrong password entered",
      "Signed out",
    ]);
    expect(await eventsShown(list)).toHaveLength(7);
    await context.close();
  });

  it("shows repeated wrong passwords as one counted row, and older events on request", async () => {
    const app = await suite.start({ RATE_LIMIT_SIGN_IN: "1000" });
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUpAndMail(page, app, email);
    // Four wrong passwords at once (below the back-off), 55 sign-ins elsewhere,
    // then three more wrong ones a minute apart.
    for (let i = 0; i < 4; i++) expect(await attempt(app.url, email, "guess")).toBe(401);
    for (let i = 0; i < 55; i++) expect(await attempt(app.url, email, PASSWORD)).toBe(200);
    for (let i = 0; i < 3; i++) {
      if (i > 0) app.clock.advance(61_000);
      expect(await attempt(app.url, email, "guess")).toBe(401);
    }

    await page.getByRole("link", { name: "Activity", exact: true }).click();
    const list = activityList(page);
    await list.getByRole("listitem").first().waitFor();
    const newest = list.getByRole("listitem").first();
    expect(await eventsShown(list)).toHaveLength(50);
    expect((await eventsShown(list))[0]).toBe("3 failed sign-in attempts");
    expect(await newest.getByText(/^From .+ to .+$/).isVisible()).toBe(true);
    expect(await newest.getByText("Last from curl").isVisible()).toBe(true);
    const [first, last] = await newest
      .locator(".activity-span time")
      .evaluateAll((times) => times.map((time) => time.getAttribute("datetime")));
    expect(Date.parse(first ?? "")).toBeLessThanOrEqual(Date.parse(last ?? ""));
    expect(last).toBe(await newest.locator(".activity-time").getAttribute("datetime"));

    // From the keyboard: the button keeps the focus while it loads, then the end says so.
    const older = page.getByRole("button", { name: "Show older" });
    await older.press("Enter");
    await list.getByText("Account created").waitFor();
    const shown = await eventsShown(list);
    expect(shown).toHaveLength(60);
    expect(shown.at(-4)).toBe("4 failed sign-in attempts");
    expect(sorted(shown.slice(-3))).toEqual([
      "Account created [This session]",
      ...SIGN_UP_EVENTS.slice(1),
    ]);
    const atOnce = list.getByRole("listitem").nth(-4);
    expect(await atOnce.getByText(/^All at .+$/).isVisible()).toBe(true);
    expect(shown.filter((title) => title === "Signed in")).toHaveLength(55);
    await expect.poll(() => focused(page)).toBe("p: No older events.");
    expect(await older.count()).toBe(0);
    await context.close();
  });
});
