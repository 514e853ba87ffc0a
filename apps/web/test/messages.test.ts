import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { fillLogIn, logOut, PASSWORD, signUp, uniqueEmail } from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";

const suite = browserSuite();

const focusedLabel = (page: Page) =>
  page.evaluate(
    () => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent,
  );

async function fillSignUp(page: Page, email: string, password: string) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

describe("what the forms tell people", () => {
  it("sign-up: checks fields before sending, then explains weak passwords and taken emails", async () => {
    await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    const requests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("auth.register")) requests.push(request.url());
    });
    await page.goto("/signup");

    await fillSignUp(page, "not-an-email", "short");
    await page.getByText("Enter a valid email address.").waitFor();
    await page.getByText("Use at least 8 characters.").waitFor();
    expect(await focusedLabel(page)).toBe("Email");
    expect(await page.getByLabel("Email", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    expect(requests).toEqual([]);

    await fillSignUp(page, email, "password1");
    await page.getByRole("alert").getByText("Choose a stronger password.").waitFor();
    await page.getByText("This password is too common").waitFor();
    expect(await focusedLabel(page)).toBe("Password");

    await signUp(page, email);
    await logOut(page);
    await page.goto("/signup");
    await fillSignUp(page, email, PASSWORD);
    const alert = page.getByRole("alert");
    await alert.getByText("An account with this email already exists.").waitFor();
    await alert.getByRole("link", { name: "Log in instead" }).click();
    await page.getByRole("heading", { name: "Log in", exact: true }).waitFor();
    await context.close();
  });

  it("log-in: a wrong password, then rate limiting with when to try again", async () => {
    await suite.start({ LOGIN_IP_MAX_FAILURES: "2" });
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await logOut(page);

    await fillLogIn(page, email, "not the password");
    await page.getByRole("alert").getByText("That email and password don't match").waitFor();
    await fillLogIn(page, email, "still not the password");
    await fillLogIn(page, email, PASSWORD);

    const alert = page.getByRole("alert");
    await alert.getByText("Too many attempts.").waitFor();
    const text = await alert.textContent();
    expect(text).toMatch(/Try again in \d+:\d\d \(at .+\)\./);
    await context.close();
  });

  it("change password: a wrong current password is pointed out on its field", async () => {
    await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    await signUp(page, uniqueEmail());
    await page.getByRole("link", { name: "Password", exact: true }).click();

    await page.getByLabel("Current password", { exact: true }).fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("another long passphrase");
    await page.getByRole("button", { name: "Change password" }).click();

    await page.getByText("Your current password is incorrect.").waitFor();
    expect(await focusedLabel(page)).toBe("Current password");
    await context.close();
  });
});
