import type { BrowserContext, Locator, Page } from "playwright-core";

export const PASSWORD = "correct horse battery staple";

let people = 0;
export const uniqueEmail = () => `person${++people}.${Date.now()}@example.com`;

export const notesHeading = (page: Page): Locator =>
  page.getByRole("heading", { name: "Your notes" });

export const logInHeading = (page: Page): Locator => page.getByRole("heading", { name: "Log in" });

export const noteItem = (page: Page, text: string): Locator =>
  page.getByRole("list", { name: "Notes" }).getByRole("listitem").filter({ hasText: text });

/** Every alert on the page: an action that went through shows none. */
export const alertTexts = (page: Page): Promise<string[]> =>
  page.getByRole("alert").allInnerTexts();

export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await notesHeading(page).waitFor();
}

export async function addNote(page: Page, text: string): Promise<void> {
  await page.getByLabel("New note").fill(text);
  await page.getByRole("button", { name: "Add" }).click();
  await noteItem(page, text).waitFor();
}

/** Calls of one procedure (batched or not) made by every page of a profile, as they happen. */
export function watchCalls(context: BrowserContext, path: string): { readonly count: number } {
  const seen = { count: 0 };
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === `/trpc/${path}`) seen.count++;
  });
  return seen;
}
