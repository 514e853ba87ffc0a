import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  fillLogIn,
  loginHeading,
  logOut,
  PASSWORD,
  signUp,
  uniqueEmail,
} from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import { SUBJECT } from "./support/mailbox.ts";

const suite = browserSuite();
const NEW_PASSWORD = "a passphrase chosen by link";

/** The banner every signed-in page shows until the address is confirmed. */
const banner = (page: Page) => page.getByRole("region", { name: "Confirm your email address" });

/** The paths of the context's requests from now on whose address or body holds `secret`. */
function requestsCarrying(context: BrowserContext, secret: string): string[] {
  const paths: string[] = [];
  context.on("request", (request) => {
    if (request.url().includes(secret) || (request.postData() ?? "").includes(secret))
      paths.push(new URL(request.url()).pathname);
  });
  return paths;
}

describe("the links Sesame mails", () => {
  it("forgot password: the mailed link sets a new password, which logs in; the old one no longer does", async () => {
    const [app, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    await logOut(page);

    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    // The address typed on the log-in page came along.
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(email);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await page.getByText(`If an account exists for ${email}, we've sent a link there`).waitFor();

    const link = await mailbox.nextLink(email, SUBJECT.reset);
    const token = link.slice(link.indexOf("#token=") + "#token=".length);
    const carriers = requestsCarrying(context, token);
    await page.goto(link);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    // The token left the address bar (and so the history) as the page opened.
    expect(page.url()).toBe(`${app.url}/reset-password`);

    const newPassword = page.getByLabel("New password", { exact: true });
    await newPassword.fill("password1");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("This password is too common").waitFor();
    expect(await newPassword.getAttribute("aria-invalid")).toBe("true");
    // A refused password leaves the link usable.
    await newPassword.fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed; every device was signed out.").waitFor();
    expect(carriers).toEqual(["/trpc/auth.resetPassword", "/trpc/auth.resetPassword"]);

    // No automatic sign-in: the new password is needed, and the old one is refused.
    await page.getByRole("link", { name: "Log in with your new password" }).click();
    await fillLogIn(page, email, PASSWORD);
    await page.getByText("That email and password don't match").waitFor();
    await fillLogIn(page, email, NEW_PASSWORD);
    await page.getByRole("heading", { name: /^Hello, / }).waitFor();
    expect(await app.auditTypes(email)).toContain("password_reset");
    await context.close();
  });

  it("sign-in link: asked for on the log-in page, opened from the mail, lands signed in on the account page", async () => {
    const [app, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Katherine Johnson");
    await logOut(page);
    const otherTab = await context.newPage();
    await otherTab.goto("/login");
    await loginHeading(otherTab).waitFor();

    await page.getByRole("link", { name: "Email me a sign-in link" }).click();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByText(`If an account exists for ${email}, we've sent a sign-in link`).waitFor();

    const proofs: Array<string | undefined> = [];
    context.on("request", async (request) => {
      if (new URL(request.url()).pathname === "/trpc/auth.signInWithLink")
        proofs.push((await request.allHeaders()).dpop);
    });
    await page.goto(await mailbox.nextLink(email, SUBJECT.signIn));
    await page.getByRole("heading", { name: "Hello, Katherine Johnson" }).waitFor();
    expect(page.url()).toBe(`${app.url}/account`);
    // Signed in as a password would: the refresh token in an httpOnly cookie, the session
    // bound to this browser's key, every tab told.
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatch(/^ey/);
    const refresh = (await context.cookies()).find((cookie) => cookie.name === "sesame_refresh");
    expect(refresh?.httpOnly).toBe(true);
    await otherTab.getByRole("heading", { name: "Hello, Katherine Johnson" }).waitFor();
    // The link proved the mailbox: nothing left to confirm.
    expect(await banner(page).count()).toBe(0);
    await page.reload();
    await page.getByRole("heading", { name: "Hello, Katherine Johnson" }).waitFor();
    expect(await app.auditTypes(email)).toContain("sign_in_link_used");
    await context.close();
  });

  it("the banner asks to confirm the address after sign-up and goes once the mailed link is opened", async () => {
    const [, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);

    await banner(page)
      .getByText(`Confirm your email address: we sent a link to ${email}.`)
      .waitFor();
    await mailbox.nextLink(email, SUBJECT.verify);
    await banner(page).getByRole("button", { name: "Resend" }).click();
    await banner(page).getByText("Sent. Only the newest link works.").waitFor();
    // The newer mail's link is the one that works; opened in another tab, as from a webmail.
    const link = await mailbox.nextLink(email, SUBJECT.verify);
    const mailTab = await context.newPage();
    await mailTab.goto(link);
    await mailTab.getByText("Your email address is confirmed.").waitFor();
    await mailTab.close();

    // Back in the first tab, the banner goes as the tab is looked at again: headless Chromium
    // never hides a background tab, so the event a browser fires on switching back is fired here.
    await page.bringToFront();
    await page.evaluate(() =>
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true })),
    );
    await banner(page).waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Devices", exact: true }).click();
    await page.getByRole("heading", { name: "Devices" }).waitFor();
    expect(await banner(page).count()).toBe(0);
    await context.close();
  });

  it("a link opened a second time says it was already used, and what to do instead", async () => {
    const [, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email);
    const link = await mailbox.nextLink(email, SUBJECT.verify);

    // Opened in a browser that is not signed in, as on another device.
    const elsewhere = await suite.openContext();
    const other = await elsewhere.newPage();
    await other.goto(link);
    await other.getByText("Your email address is confirmed.").waitFor();
    // Clicked again in the mail: a new tab.
    const again = await elsewhere.newPage();
    await again.goto(link);
    const alert = again.getByRole("alert");
    await alert.getByText("This link can't be used: it was already used").waitFor();
    await again.getByText("To get a new link, log in and choose Resend").waitFor();
    await elsewhere.close();
    await context.close();
  });

  it("an expired link offers a new one in one click, mailed to the same address", async () => {
    const [app, mailbox] = await suite.startWithMail();
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await signUp(page, email, "Dorothy Vaughan");
    await logOut(page);
    await page.getByRole("link", { name: "Email me a sign-in link" }).click();
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    const expired = await mailbox.nextLink(email, SUBJECT.signIn);

    // Past the sign-in link's 15 minutes.
    app.clock.advance(16 * 60 * 1000);
    await page.goto(expired);
    await page.getByRole("alert").getByText("This link has expired.").waitFor();
    await page.getByRole("button", { name: "Email me a new link" }).click();
    await page.getByText(`We've sent a new link to ${email}.`).waitFor();

    // Pasted into the same tab: only the fragment changes, and the new link still opens.
    await page.goto(await mailbox.nextLink(email, SUBJECT.signIn));
    await page.getByRole("heading", { name: "Hello, Dorothy Vaughan" }).waitFor();
    expect(await app.auditTypes(email)).toContain("email_link_expired");
    await context.close();
  });

  it("where confirmed addresses are required, sign-up and log-in say to open the mailed link, which lets them in", async () => {
    const [, mailbox] = await suite.startWithMail({ REQUIRE_EMAIL_VERIFICATION: "true" });
    const context = await suite.openContext();
    const page = await context.newPage();
    const email = uniqueEmail();
    await page.goto("/signup");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page
      .getByText(`We've sent a link to ${email}. Open it to confirm your address`)
      .waitFor();
    await mailbox.nextLink(email, SUBJECT.verify);

    await page.getByRole("link", { name: "Log in", exact: true }).click();
    await fillLogIn(page, email, PASSWORD);
    await page
      .getByRole("alert")
      .getByText("Confirm your email address first: open the link we mailed you")
      .waitFor();
    // Refused, the log-in mailed a new link, which replaced the first.
    await page.goto(await mailbox.nextLink(email, SUBJECT.verify));
    await page.getByText("Your email address is confirmed.").waitFor();
    await page.getByRole("link", { name: "Log in", exact: true }).click();
    await fillLogIn(page, email, PASSWORD);
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await context.close();
  });
});
