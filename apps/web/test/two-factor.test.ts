import { totpCodeAt } from "@sesame/auth";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  devicesList,
  fillLogIn,
  logIn,
  loginHeading,
  logOut,
  PASSWORD,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import { SUBJECT } from "./support/mailbox.ts";
import type { SesameApp } from "./support/sesame-app.ts";

const suite = browserSuite();

const STEP_MS = 30_000;

/**
 * The authenticator app of the test: the codes it shows, from the key read
 * off the page, on the server's clock (the suite's ShiftingClock: real time
 * plus what a test moved it on). A time step works once per account, and
 * only after the last one used, so each code is of a later step than the
 * one before: now's, then the next one (the server accepts one step either
 * side), and past that the server's clock is moved on to the step before.
 */
class AuthenticatorApp {
  private lastStep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly app: SesameApp,
    readonly secret: string,
  ) {}

  code(): string {
    const current = Math.floor(this.app.clock.now() / STEP_MS);
    const step = Math.max(current, this.lastStep + 1);
    if (step > current + 1)
      this.app.clock.advance((step - 1) * STEP_MS - this.app.clock.now() + 1_000);
    this.lastStep = step;
    return totpCodeAt(this.secret, step * STEP_MS);
  }

  /** A code of no step the server would accept now: refused for sure. */
  wrongCode(): string {
    const current = Math.floor(this.app.clock.now() / STEP_MS);
    const near = [-1, 0, 1, 2].map((offset) =>
      totpCodeAt(this.secret, (current + offset) * STEP_MS),
    );
    let code = 0;
    while (near.includes(String(code).padStart(6, "0"))) code++;
    return String(code).padStart(6, "0");
  }
}

/** The key shown for typing into an app (base32, in groups of four), as the app takes it. */
async function readKey(page: Page): Promise<string> {
  const key = await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/).textContent();
  return (key ?? "").replaceAll(" ", "");
}

/** The code step of a log-in, by its heading. */
const codeStep = (page: Page) => page.getByRole("heading", { name: "Enter your code" });

/**
 * Turns two-factor on from the Security page as a person does: the
 * password, then the key read off the page into "the app" (here
 * `totpCodeAt`), its code, and the recovery codes shown once.
 */
async function turnOnTotp(
  page: Page,
  app: SesameApp,
  finish = "I've stored them: done",
): Promise<{ authenticator: AuthenticatorApp; recoveryCodes: string[] }> {
  await page.getByRole("link", { name: "Security", exact: true }).click();
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Add Sesame to your authenticator app" }).waitFor();
  const authenticator = new AuthenticatorApp(app, await readKey(page));
  await page.getByLabel("6-digit code", { exact: true }).fill(authenticator.code());
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await page.getByText("Store these now: they will not be shown again.").waitFor();
  const recoveryCodes = await page
    .getByRole("list", { name: "Recovery codes" })
    .getByRole("listitem")
    .allInnerTexts();
  await page.getByRole("button", { name: finish }).click();
  return { authenticator, recoveryCodes };
}

/** The DPoP header of each `auth.verifyMfa` the context sends from now on. */
function verifyMfaProofs(context: BrowserContext): Array<string | undefined> {
  const proofs: Array<string | undefined> = [];
  context.on("request", async (request) => {
    if (new URL(request.url()).pathname === "/trpc/auth.verifyMfa")
      proofs.push((await request.allHeaders()).dpop);
  });
  return proofs;
}

describe("two-factor authentication", () => {
  it("turned on with the QR code and a first code, the next log-in asks for a code and lands signed in", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Ada Lovelace");

    await page.getByRole("link", { name: "Security", exact: true }).click();
    const card = page.getByRole("region", { name: "Two-factor authentication" });
    await card.getByText("Off", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Continue" }).click();
    // The QR code is drawn in the browser, from the otpauth URI, with words for who can't see it.
    const qr = page.getByRole("img", { name: /^QR code for setting up two-factor authentication/ });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
      true,
    );
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml,/);
    await page.getByRole("link", { name: "Open the set-up in your app" }).waitFor();
    expect(
      await page.getByRole("link", { name: "Open the set-up in your app" }).getAttribute("href"),
    ).toMatch(/^otpauth:\/\/totp\/.*secret=[A-Z2-7]+/);
    const authenticator = new AuthenticatorApp(app, await readKey(page));
    expect(authenticator.secret).toHaveLength(32);
    await page.getByLabel("6-digit code", { exact: true }).fill(authenticator.code());
    await page.getByRole("button", { name: "Turn on", exact: true }).click();
    await page.getByText("Store these now: they will not be shown again.").waitFor();
    const recoveryCodes = await page
      .getByRole("list", { name: "Recovery codes" })
      .getByRole("listitem")
      .allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download (.txt)" }).click();
    expect((await download).suggestedFilename()).toMatch(
      /^sesame-recovery-codes-\d{4}-\d\d-\d\d\.txt$/,
    );
    await page.getByRole("button", { name: "I've stored them: done" }).click();
    await card.getByText("On", { exact: true }).waitFor();
    await page.getByText("10 unused codes left.").waitFor();

    await logOut(page);
    const proofs = verifyMfaProofs(context);
    await fillLogIn(page, email, PASSWORD);
    await codeStep(page).waitFor();
    const field = page.getByLabel("Authentication code", { exact: true });
    expect(await field.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await field.getAttribute("inputmode")).toBe("numeric");
    // The password form is gone: the keyboard is on the code.
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    await field.fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Hello, Ada Lovelace" }).waitFor();

    // Signed in as a password alone would: the refresh token in an httpOnly cookie, the session
    // bound to this browser's key, so a reload brings it back.
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatch(/^ey/);
    const refresh = (await context.cookies()).find((cookie) => cookie.name === "sesame_refresh");
    expect(refresh?.httpOnly).toBe(true);
    await page.reload();
    await page.getByRole("heading", { name: "Hello, Ada Lovelace" }).waitFor();
    expect(await app.auditTypes(email)).toEqual(
      expect.arrayContaining(["totp_added", "totp_enabled", "login_succeeded"]),
    );
    await context.close();
  });

  it("a wrong code keeps the step with a message; a recovery code logs in instead; a stale step starts over", async () => {
    const app = await suite.start();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Grace Hopper");
    const { authenticator, recoveryCodes } = await turnOnTotp(page, app);
    await logOut(page);

    await fillLogIn(page, email, PASSWORD);
    await codeStep(page).waitFor();
    const field = page.getByLabel("Authentication code", { exact: true });
    await field.fill(authenticator.wrongCode());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByText("That code didn't work. Enter the code your app shows now.").waitFor();
    expect(await codeStep(page).isVisible()).toBe(true);
    expect(await field.getAttribute("aria-invalid")).toBe("true");

    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByRole("heading", { name: "Enter a recovery code" }).waitFor();
    const recovery = page.getByLabel("Recovery code", { exact: true });
    expect(await recovery.evaluate((input) => input === document.activeElement)).toBe(true);
    // As printed, in capitals as people copy them off paper: the same code.
    await recovery.fill(recoveryCodes[0]?.toUpperCase() ?? "");
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Hello, Grace Hopper" }).waitFor();
    await page.getByRole("link", { name: "Security", exact: true }).click();
    await page.getByText("9 unused codes left.").waitFor();
    expect(await app.auditTypes(email)).toEqual(
      expect.arrayContaining(["mfa_failed", "recovery_code_used"]),
    );

    // Five minutes on the code step: its ticket is gone, and the password step comes back.
    await logOut(page);
    await fillLogIn(page, email, PASSWORD);
    await codeStep(page).waitFor();
    app.clock.advance(5 * 60_000 + 1_000);
    await field.fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page
      .getByText("That log-in took too long to finish. Enter your password again.")
      .waitFor();
    await loginHeading(page).waitFor();
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(email);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await field.fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Hello, Grace Hopper" }).waitFor();
    await context.close();
  });

  it("repeated wrong codes are paused, with when to try again", async () => {
    const app = await suite.start({ LOGIN_IP_MAX_FAILURES: "2" });
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    const { authenticator } = await turnOnTotp(page, app);
    await logOut(page);

    await fillLogIn(page, email, PASSWORD);
    const field = page.getByLabel("Authentication code", { exact: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      const answered = page.waitForResponse((r) => r.url().endsWith("/trpc/auth.verifyMfa"));
      await field.fill(authenticator.wrongCode());
      await page.getByRole("button", { name: "Log in", exact: true }).click();
      await answered;
    }
    await page.getByText("That code didn't work. Enter the code your app shows now.").waitFor();
    await field.fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    const alert = page.getByRole("alert");
    await alert.getByText("Too many attempts.").waitFor();
    expect(await alert.textContent()).toMatch(/Try again in \d+:\d\d \(at .+\)\./);
    // Still the code step: the ticket is good once the pause is over.
    expect(await codeStep(page).isVisible()).toBe(true);
    await context.close();
  });

  it("new recovery codes void the old ones; turning off signs the other devices out", async () => {
    const app = await suite.start();
    const laptop = await suite.openContext();
    const phone = await suite.openContext();
    const page = await laptop.newPage();
    const phonePage = await phone.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Hedy Lamarr");
    const { authenticator, recoveryCodes } = await turnOnTotp(page, app);
    await phonePage.goto("/login");
    await fillLogIn(phonePage, email, PASSWORD);
    await phonePage.getByLabel("Authentication code", { exact: true }).fill(authenticator.code());
    await phonePage.getByRole("button", { name: "Log in", exact: true }).click();
    await phonePage.getByRole("heading", { name: "Hello, Hedy Lamarr" }).waitFor();

    await page.getByRole("button", { name: "Make new recovery codes…" }).click();
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page
      .getByLabel("Code from your authenticator app", { exact: true })
      .fill(authenticator.wrongCode());
    await page.getByRole("button", { name: "Make new recovery codes", exact: true }).click();
    await page.getByText("That code didn't work. Enter the code your app shows now.").waitFor();
    await page
      .getByLabel("Code from your authenticator app", { exact: true })
      .fill(authenticator.code());
    await page.getByRole("button", { name: "Make new recovery codes", exact: true }).click();
    await page
      .getByText("Here are your new recovery codes. The earlier ones no longer work.")
      .waitFor();
    const fresh = await page
      .getByRole("list", { name: "Recovery codes" })
      .getByRole("listitem")
      .allInnerTexts();
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    await page.getByRole("button", { name: "I've stored them: done" }).click();

    await page.getByRole("button", { name: "Turn off…" }).click();
    await page.getByText("Every other device will be signed out").waitFor();
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page
      .getByLabel("Code from your authenticator app", { exact: true })
      .fill(authenticator.code());
    await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    await page
      .getByText("Two-factor authentication is off. Every other device was signed out.")
      .waitFor();
    await page
      .getByRole("region", { name: "Two-factor authentication" })
      .getByText("Off", { exact: true })
      .waitFor();
    expect(await page.getByRole("region", { name: "Recovery codes" }).count()).toBe(0);

    await phonePage.reload();
    await loginHeading(phonePage).waitFor();
    // The password alone logs in again.
    await logIn(phonePage, email);
    expect(await app.auditTypes(email)).toEqual(
      expect.arrayContaining(["recovery_codes_regenerated", "totp_disabled"]),
    );
    await laptop.close();
    await phone.close();
  });

  it("an account that must have two-factor is sent to the Security page, and signs in again with a code", async () => {
    const app = await suite.start({ REQUIRE_MFA_FOR_ROLES: "user" });
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Margaret Hamilton");

    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await page
      .getByText("Your account needs two-factor authentication: turn it on, then sign in again.")
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/security");
    const { authenticator } = await turnOnTotp(page, app, "Log out and sign in again");

    await loginHeading(page).waitFor();
    await fillLogIn(page, email, PASSWORD);
    await page.getByLabel("Authentication code", { exact: true }).fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Hello, Margaret Hamilton" }).waitFor();
    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await devicesList(page).getByRole("listitem").first().waitFor();
    await context.close();
  });

  it("a sign-in link of an account with two-factor asks for the code next", async () => {
    const [app, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Katherine Johnson");
    const { authenticator } = await turnOnTotp(page, app);
    await logOut(page);

    await page.getByRole("link", { name: "Email me a sign-in link" }).click();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByText(`If an account exists for ${email}, we've sent a sign-in link`).waitFor();
    const proofs = verifyMfaProofs(context);
    await page.goto(await mailbox.nextLink(email, SUBJECT.signIn));
    await codeStep(page).waitFor();
    await page.getByLabel("Authentication code", { exact: true }).fill(authenticator.code());
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Hello, Katherine Johnson" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");
    expect(proofs).toHaveLength(1);
    await context.close();
  });
});
