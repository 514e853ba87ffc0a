import type { BrowserContext, Page } from "playwright-core";

/**
 * A platform authenticator in the browser (Chrome's virtual one, over the
 * DevTools protocol): it keeps discoverable credentials, verifies the user
 * and answers every prompt at once, as a fingerprint would. The page must be
 * at a host name (localhost), not an IP address: an IP cannot be a relying
 * party. Resolves to a function that unplugs it.
 */
export async function addVirtualAuthenticator(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return async () => {
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
  };
}

/**
 * A browser whose email field offers no passkeys (no conditional UI), so
 * only the button signs in with one. Chrome's virtual authenticator answers
 * the log-in page's background request at once, as if the person had
 * picked the passkey from the field's suggestions the moment it opened.
 */
export async function withoutPasskeyAutofill(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}
