// The server's tests declare the provider library's module; its support file is reused here.
/// <reference path="../../server/test/support/types/oidc-provider.d.ts" />
/**
 * Screenshots of every page at phone (390 px) and desktop (1280 px) width,
 * for docs/web-app.md: `pnpm --filter @sesame/web screenshots`. Runs the real
 * server over the built app, like the browser tests, its mail read from an
 * SMTP inbox for the pages the links open; then a second one with sign-in
 * providers, one of them a real OpenID Provider, for the pages that show them.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { totpCodeAt } from "@sesame/auth";
import type { Browser, Page } from "playwright-core";
import { freePort } from "../../server/test/support/oauth-browser.ts";
import {
  type OidcTestProvider,
  startOidcTestProvider,
} from "../../server/test/support/oidc-test-provider.ts";
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

/**
 * Sesame with three sign-in providers: the Google and GitHub presets, only
 * listed here (their buttons are never followed), and "Acme SSO", a real
 * OpenID Provider on this machine that a sign-in goes through. Its callback
 * comes from PUBLIC_URL, so the port is picked before either starts.
 */
async function startWithProviders(): Promise<{ app: SesameApp; provider: OidcTestProvider }> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const provider = await startOidcTestProvider([`${publicUrl}/auth/oauth/acme/callback`]);
  const app = await startSesameApp({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    OAUTH_PROVIDERS: JSON.stringify([
      { id: "google", clientId: "listed-only", clientSecret: "listed-only" },
      { id: "github", clientId: "listed-only", clientSecret: "listed-only" },
      {
        id: "acme",
        name: "Acme SSO",
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
      },
    ]),
  });
  return { app, provider };
}

/** The log-in page's "Continue with …" buttons, and the account a provider's sign-in made. */
async function providerScreenshotsAt(
  browser: Browser,
  app: SesameApp,
  provider: OidcTestProvider,
  viewport: typeof PHONE,
  width: string,
) {
  const context = await openContext(browser, app.server.issuer, viewport);
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("link", { name: "Continue with Acme SSO" }).waitFor();
  await shoot(page, "log-in-providers", width);

  // The provider's own page is not Sesame's to show: the person is already signed in there.
  provider.signInAs({
    sub: `grace-${width}`,
    email: `grace.${width}@example.com`,
    emailVerified: true,
  });
  await page.getByRole("link", { name: "Continue with Acme SSO" }).click();
  const linked = page.getByRole("list", { name: "Linked sign-in providers" });
  await linked.getByText(`grace.${width}@example.com`).waitFor();
  await page.getByRole("button", { name: "Link GitHub" }).waitFor();
  await shoot(page, "account-sign-in-methods", width);
  await context.close();
}

buildWebApp();
mkdirSync(OUT_DIR, { recursive: true });
const browser = await launchChromium();
try {
  // Mail goes over SMTP to an inbox in this process, where the links are read from.
  const { app, mailbox } = await Mailbox.open((smtpUrl) => startSesameApp({ SMTP_URL: smtpUrl }));
  try {
    await screenshotsAt(browser, app, mailbox, PHONE, "phone");
    await screenshotsAt(browser, app, mailbox, DESKTOP, "desktop");
  } finally {
    await app.close();
    await mailbox.close();
  }
  const { app: withProviders, provider } = await startWithProviders();
  try {
    await providerScreenshotsAt(browser, withProviders, provider, PHONE, "phone");
    await providerScreenshotsAt(browser, withProviders, provider, DESKTOP, "desktop");
  } finally {
    await withProviders.close();
    await provider.close();
  }
} finally {
  await browser.close();
}
