import type { BrowserContext, Locator, Page } from "playwright-core";

export const PASSWORD = "correct horse battery staple";

let emails = 0;
export const uniqueEmail = () => `person${++emails}.${Date.now()}@example.com`;

/** The login page's heading: what a signed-out user sees. */
export const loginHeading = (page: Page): Locator =>
  page.getByRole("heading", { name: "Log in", exact: true });

export const devicesList = (page: Page): Locator =>
  page.getByRole("list", { name: "Signed-in devices" });

export const activityList = (page: Page): Locator =>
  page.getByRole("list", { name: "Security events" });

export async function signUp(page: Page, email: string, name = "Ada Lovelace"): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Name (optional)", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: `Hello, ${name}` }).waitFor();
}

/**
 * Logs out and waits for the login page: navigating before the log-out
 * request answers would cancel it and leave the session alive.
 */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await loginHeading(page).waitFor();
}

export async function logIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/login");
  await fillLogIn(page, email, password);
  await page.getByRole("heading", { name: /^Hello, / }).waitFor();
}

export async function fillLogIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Counts `auth.refresh` requests made by every page of a context. */
export function countRefreshes(context: BrowserContext): { readonly count: number } {
  const counter = { count: 0 };
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === "/trpc/auth.refresh") counter.count++;
  });
  return counter;
}

/** Every alert on the page, to show an action went through without a visible error. */
export const alertTexts = (page: Page): Promise<string[]> =>
  page.getByRole("alert").allInnerTexts();
