// The server's tests declare the provider library's module; its support file is reused here.
/// <reference path="../../server/test/support/types/oidc-provider.d.ts" />
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../server/test/support/oauth-browser.ts";
import {
  type OidcTestProvider,
  startOidcTestProvider,
} from "../../server/test/support/oidc-test-provider.ts";
import { uniqueEmail } from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import { DESKTOP } from "./support/chromium.ts";

const suite = browserSuite();
let provider: OidcTestProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

/**
 * A real OpenID Provider, and this test's Sesame configured with it as
 * "Test ID". The callback URL is the provider's registered redirect URI and
 * comes from PUBLIC_URL, so the port is picked before either starts.
 */
async function startWithProvider(): Promise<OidcTestProvider> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  provider = await startOidcTestProvider([`${publicUrl}/auth/oauth/test/callback`]);
  await suite.start({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    OAUTH_PROVIDERS: JSON.stringify([
      {
        id: "test",
        name: "Test ID",
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
      },
    ]),
  });
  return provider;
}

describe("continue with a provider", () => {
  it("signs up through the provider's page and lands signed in, the identity listed", async () => {
    const provider = await startWithProvider();
    const email = uniqueEmail();
    provider.addAccount({ sub: "sub-1", email, emailVerified: true });
    const context = await suite.openContext(DESKTOP, "public");
    const page = await context.newPage();

    await page.goto("/login");
    await page.getByRole("link", { name: "Continue with Test ID" }).click();
    await page.getByRole("heading", { name: "Sign in to the test provider" }).waitFor();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();

    // Back by a page load with only the refresh cookie: the session comes from it, as on a reload.
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");
    const methods = page.getByRole("list", { name: "Linked sign-in providers" });
    await methods.getByText("Test ID").waitFor();
    await methods.getByText(email).waitFor();

    // The only way in: unlinking it is refused, in words.
    await page.getByRole("button", { name: "Unlink Test ID" }).click();
    await page
      .getByText(
        "This is your only way to sign in. Add a password or another sign-in method first.",
      )
      .waitFor();
    await context.close();
  });

  it("a failure comes back to the log-in page in words, and leaves the address clean", async () => {
    await startWithProvider();
    const context = await suite.openContext(DESKTOP, "public");
    const page = await context.newPage();
    await page.goto("/login#error=OAUTH_STATE_INVALID");
    await page
      .getByText("That sign-in took too long or was started elsewhere. Try again.")
      .waitFor();
    expect(new URL(page.url()).hash).toBe("");
    await page.getByRole("link", { name: "Continue with Test ID" }).waitFor();
    await context.close();
  });
});
