/**
 * Screenshots of every page at phone (390 px) and desktop (1280 px) width,
 * for docs/web-app.md: `pnpm --filter @sesame/web screenshots`. Runs the real
 * server over the built app, like the browser tests, its mail read from an
 * SMTP inbox for the pages the links open.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { totpCodeAt } from "@sesame/auth";
import type { Browser, Page } from "playwright-core";
import {
  activityList,
  devicesList,
  fillLogIn,
  logIn,
  PASSWORD,
  signUp,
} from "../test/support/app-driver.ts";
import buildWebApp from "../test/support/build-web-app.ts";
import { DESKTOP, launchChromium, openContext, PHONE } from "../test/support/chromium.ts";
import { Mailbox, SUBJECT } from "../test/support/mailbox.ts";
import { type SesameApp, startSesameApp } from "../test/support/sesame-app.ts";
import { addVirtualAuthenticator } from "../test/support/virtual-authenticator.ts";

const OUT_DIR = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
const OTHER_DEVICES = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0",
];
/** Someone else's phone, guessing the password. */
const STRANGER =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

async function shoot(page: Page, name: string, width: string): Promise<void> {
  // No hover effect where the last click happened; fonts loaded before the picture; from the
  // top, or the sticky header is drawn where the page was scrolled to.
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${OUT_DIR}${name}-${width}.png`, fullPage: true });
  console.log(`  docs/screenshots/${name}-${width}.png`);
}

async function screenshotsAt(
  browser: Browser,
  app: SesameApp,
  mailbox: Mailbox,
  viewport: typeof PHONE,
  width: string,
) {
  const email = `ada.${width}@example.com`;
  // At the public origin (http://localhost:<port>): a passkey's relying party cannot be an IP address.
  const context = await openContext(browser, app.server.issuer, viewport);
  const page = await context.newPage();

  await page.goto("/signup");
  await page.getByLabel("Email", { exact: true }).fill("ada@example");
  await page.getByLabel("Password", { exact: true }).fill("ada");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Use at least 8 characters.").waitFor();
  await shoot(page, "sign-up", width);

  // Fresh from sign-up: the banner asks to confirm the address.
  await signUp(page, email, "Ada Lovelace");
  await page.getByRole("region", { name: "Confirm your email address" }).waitFor();
  await shoot(page, "account", width);

  await page.goto(await mailbox.nextLink(email, SUBJECT.verify));
  await page.getByText("Your email address is confirmed.").waitFor();
  await shoot(page, "verify-email", width);
  await page.getByRole("link", { name: "Continue to your account" }).click();

  for (const userAgent of OTHER_DEVICES) {
    const other = await browser.newContext({ baseURL: app.url, userAgent });
    await logIn(await other.newPage(), email);
    await other.close();
  }
  await page.getByRole("link", { name: "Devices", exact: true }).click();
  await page
    .getByRole("list", { name: "Signed-in devices" })
    .getByRole("listitem")
    .nth(2)
    .waitFor();
  await shoot(page, "devices", width);

  // Activity worth a look: a wrong password from elsewhere, a device signed out from here.
  const stranger = await browser.newContext({ baseURL: app.url, userAgent: STRANGER });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto("/login");
  await fillLogIn(strangerPage, email, "is it hunter2");
  await strangerPage.getByText("That email and password don't match").waitFor();
  await stranger.close();
  await devicesList(page)
    .getByRole("button", { name: /^Sign out Safari on iOS/ })
    .click();
  await page.getByText("Signed out Safari on iOS.").waitFor();
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  // A reload, as people do: its session refresh is counted, not listed.
  await page.reload();
  await activityList(page).getByRole("listitem").nth(4).waitFor();
  await shoot(page, "activity", width);

  await page.getByRole("link", { name: "Password", exact: true }).click();
  await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("password1");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("This password is too common").waitFor();
  await shoot(page, "change-password", width);

  await page.getByRole("link", { name: "Account", exact: true }).click();
  await page.getByLabel("New email", { exact: true }).fill(`ada.lovelace.${width}@example.org`);
  await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByText("to confirm; your address stays").waitFor();
  await shoot(page, "change-email", width);

  // Two-factor authentication: off, being set up (the QR code), on with its recovery codes shown once.
  await page.getByRole("link", { name: "Security", exact: true }).click();
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).waitFor();
  await shoot(page, "security", width);
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("img", { name: /^QR code/ }).waitFor();
  const key = await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/).textContent();
  const secret = (key ?? "").replaceAll(" ", "");
  await page.getByLabel("6-digit code", { exact: true }).fill(totpCodeAt(secret, app.clock.now()));
  await shoot(page, "security-set-up", width);
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await page.getByText("Store these now: they will not be shown again.").waitFor();
  await shoot(page, "security-recovery-codes", width);
  await page.getByRole("button", { name: "I've stored them: done" }).click();

  // A passkey beside the app; the authenticator unplugged after, or the log-in page's
  // background request would be answered by it at once and sign straight back in.
  const unplug = await addVirtualAuthenticator(page);
  await page.getByLabel("Passkey name (optional)", { exact: true }).fill("MacBook Air");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByText("Added the passkey “MacBook Air”.").waitFor();
  await shoot(page, "security-passkeys", width);
  await unplug();

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByText("You have logged out.").waitFor();
  await shoot(page, "log-in", width);

  // The second step of a log-in with two-factor on.
  await fillLogIn(page, email, PASSWORD);
  await page.getByRole("heading", { name: "Enter your code" }).waitFor();
  await shoot(page, "log-in-code", width);
  await page.getByRole("button", { name: "Back to log in" }).click();

  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await page.getByText("If an account exists for").waitFor();
  await shoot(page, "forgot-password", width);

  await page.goto(await mailbox.nextLink(email, SUBJECT.reset));
  await page.getByLabel("New password", { exact: true }).waitFor();
  await shoot(page, "reset-password", width);

  await page.goto("/login");
  await page.getByRole("link", { name: "Email me a sign-in link" }).click();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByText("If an account exists for").waitFor();
  await shoot(page, "sign-in-link", width);
  await context.close();
}

buildWebApp();
mkdirSync(OUT_DIR, { recursive: true });
// Mail goes over SMTP to an inbox in this process, where the links are read from.
const { app, mailbox } = await Mailbox.open((smtpUrl) => startSesameApp({ SMTP_URL: smtpUrl }));
const browser = await launchChromium();
try {
  await screenshotsAt(browser, app, mailbox, PHONE, "phone");
  await screenshotsAt(browser, app, mailbox, DESKTOP, "desktop");
} finally {
  await browser.close();
  await app.close();
  await mailbox.close();
}
