import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loginHeading, logOut, signUp, uniqueEmail } from "./support/app-driver.ts";
import { browserSuite } from "./support/browser-suite.ts";
import { DESKTOP } from "./support/chromium.ts";
import {
  addVirtualAuthenticator,
  withoutPasskeyAutofill,
} from "./support/virtual-authenticator.ts";

const suite = browserSuite();

const passkeyList = (page: Page) => page.getByRole("list", { name: "Your passkeys" });

/** Adds a passkey on the Security page, by name. */
async function addPasskey(page: Page, name: string): Promise<void> {
  await page.getByRole("link", { name: "Security", exact: true }).click();
  await page.getByLabel("Passkey name (optional)", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByText(`Added the passkey “${name}”.`).waitFor();
}

/** The DPoP header of each `auth.finishPasskeyLogin` the context sends from now on. */
function passkeyLoginProofs(context: BrowserContext): Array<string | undefined> {
  const proofs: Array<string | undefined> = [];
  context.on("request", async (request) => {
    if (new URL(request.url()).pathname === "/trpc/auth.finishPasskeyLogin")
      proofs.push((await request.allHeaders()).dpop);
  });
  return proofs;
}

describe("passkeys", () => {
  it("added on the Security page, it signs in with no email typed, as a password would", async () => {
    const app = await suite.start();
    // At the public origin: the relying party is its host (localhost), never an IP address.
    const context = await suite.openContext(DESKTOP, "public");
    await withoutPasskeyAutofill(context);
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    const email = uniqueEmail();
    await signUp(page, email, "Ada Lovelace");

    await page.getByRole("link", { name: "Security", exact: true }).click();
    const section = page.getByRole("region", { name: "Passkeys" });
    await section.getByText("No passkeys yet.").waitFor();
    await addPasskey(page, "Work laptop");
    const item = passkeyList(page).getByRole("listitem");
    await item.getByText("Work laptop").waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toMatch(/Added just now.*Not used yet/);

    await logOut(page);
    const proofs = passkeyLoginProofs(context);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("heading", { name: "Hello, Ada Lovelace" }).waitFor();
    expect(await page.getByLabel("Email", { exact: true }).count()).toBe(0);

    // Signed in as after a password: the session bound to this browser's key, back after a reload.
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatch(/^ey/);
    await page.reload();
    await page.getByRole("heading", { name: "Hello, Ada Lovelace" }).waitFor();
    await page.getByRole("link", { name: "Security", exact: true }).click();
    expect(await passkeyList(page).getByRole("listitem").textContent()).toMatch(
      /Last used just now/,
    );
    expect(await app.auditTypes(email)).toEqual(
      expect.arrayContaining(["passkey_added", "login_succeeded"]),
    );
    await context.close();
  });

  it("removed after a confirmation, the list is empty and the passkey no longer signs in", async () => {
    const app = await suite.start();
    const context = await suite.openContext(DESKTOP, "public");
    await withoutPasskeyAutofill(context);
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    const email = uniqueEmail();
    await signUp(page, email, "Grace Hopper");
    await addPasskey(page, "Phone");

    await page.getByRole("button", { name: /^Remove Phone, added / }).click();
    await page.getByText("You won't be able to sign in with this passkey any more.").waitFor();
    // Cancel keeps it.
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: /^Remove Phone, added / }).click();
    await page.getByRole("button", { name: "Yes, remove Phone" }).click();
    await page.getByText("Removed Phone.").waitFor();
    await page.getByText("No passkeys yet.").waitFor();
    expect(await passkeyList(page).count()).toBe(0);

    // The authenticator still holds it; Sesame no longer knows it.
    await logOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page
      .getByRole("alert")
      .getByText(
        "That passkey didn't work. It may have been removed from your account: use your password or another passkey.",
      )
      .waitFor();
    expect(await loginHeading(page).isVisible()).toBe(true);
    expect(await app.auditTypes(email)).toEqual(
      expect.arrayContaining(["passkey_added", "passkey_removed"]),
    );
    await context.close();
  });

  it("picked from the email field's suggestions, a passkey signs in with no button pressed", async () => {
    await suite.start();
    const context = await suite.openContext(DESKTOP, "public");
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    const email = uniqueEmail();
    await signUp(page, email, "Hedy Lamarr");
    await addPasskey(page, "Laptop");

    // The log-in page's background ceremony: the virtual authenticator "picks" the passkey at once.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Hello, Hedy Lamarr" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account");

    // The field that offers them, for a person's browser.
    const other = await suite.openContext(DESKTOP, "public");
    const otherPage = await other.newPage();
    await otherPage.goto("/login");
    expect(await otherPage.getByLabel("Email", { exact: true }).getAttribute("autocomplete")).toBe(
      "username webauthn",
    );
    await other.close();
    await context.close();
  });
});
