import type { AuthService, AuthStorage, IdentityRecord, MailMessage } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends } from "./support/backends.ts";
import { authOn, email, META } from "./support/fixtures.ts";

/**
 * A password reset that is the first proof of an account's mailbox hands the
 * account to the mailbox's owner alone (pre-account hijacking: someone signs
 * up first with the owner's address, at a provider that does not vouch for
 * it or with a password, and adds ways back in). Through the real core, on
 * both backends: in the reset's own commit, every passkey goes, and every
 * identity but one whose provider verified the account's own address; on an
 * account whose address was proven before, nothing but the password changes.
 */

const NEW_PASSWORD = "the owner's own passphrase";
let n = 0;

/** The token of the newest reset link mailed to `to`. */
function resetTokenIn(mails: MailMessage[], to: string): string {
  const mail = mails.filter((m) => m.to === to).at(-1);
  const token = mail?.text.match(/reset-password#token=([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no reset link mailed to ${to}`);
  return token;
}

async function reset(auth: AuthService, mails: MailMessage[], address: string): Promise<void> {
  await auth.email.requestPasswordReset(address, META);
  await auth.drainMail();
  await auth.email.resetPassword(resetTokenIn(mails, address), NEW_PASSWORD, META);
}

const identity = (
  userId: string,
  provider: string,
  address: string | null,
  emailVerified: boolean,
): IdentityRecord => ({
  provider,
  subject: `${provider}-subject-${++n}`,
  userId,
  email: address,
  emailVerified,
  createdAt: 1,
  lastUsedAt: null,
});

/** An account made by a provider sign-in (no password), with more identities and a passkey added while signed in. */
async function accountWithWaysIn(storage: AuthStorage, verifiedAt: number | null) {
  const address = email();
  const userId = `takeover-user-${++n}`;
  const user = {
    id: userId,
    email: address,
    name: null,
    role: "user" as const,
    passwordHash: null,
    createdAt: 1,
    updatedAt: 1,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: verifiedAt,
  };
  const event = { at: 1, userId, sessionId: null, ip: null, userAgent: null };
  const created = await storage.identities.createUserWithIdentity(
    user,
    identity(userId, "unvouched", address, false),
    { type: "register", ...event },
  );
  expect(created).toBe("created");
  for (const [provider, at, verified] of [
    ["vouching", address, true],
    ["elsewhere", "someone.else@example.com", true],
    ["anonymous", null, false],
  ] as const) {
    const linked = await storage.identities.link(identity(userId, provider, at, verified), {
      type: "identity_linked",
      ...event,
    });
    expect(linked).toBe("linked");
  }
  await storage.passkeys.create(
    {
      id: `credential-${++n}`,
      userId,
      publicKey: "a public key",
      counter: 0,
      transports: [],
      deviceType: "singleDevice",
      backedUp: false,
      name: null,
      createdAt: 1,
      lastUsedAt: null,
    },
    { type: "passkey_added", ...event },
  );
  return { userId, address };
}

const typesAfterReset = async (backend: Backend, storage: AuthStorage, userId: string) =>
  (
    await backend.query<{ type: string; detail: string | null }>(
      storage,
      "SELECT type, detail FROM audit_events WHERE user_id = ? AND type IN ('identity_unlinked', 'passkey_removed', 'password_reset') ORDER BY id",
      [userId],
    )
  ).map((row) => (row.detail ? `${row.type} ${row.detail}` : row.type));

describe.each(backends)("a password reset on $dialect", (backend) => {
  it("that first proves the mailbox removes the passkeys and the identities not vouching for the address, in its own commit", async () => {
    const storage = await backend.open();
    const { auth, mails } = await authOn(storage);
    const { userId, address } = await accountWithWaysIn(storage, null);
    await reset(auth, mails, address);
    expect((await storage.identities.listForUser(userId)).map((i) => i.provider)).toEqual([
      "vouching",
    ]);
    expect(await storage.passkeys.listForUser(userId)).toEqual([]);
    expect(await typesAfterReset(backend, storage, userId)).toEqual([
      'identity_unlinked {"provider":"unvouched"}',
      'identity_unlinked {"provider":"elsewhere"}',
      'identity_unlinked {"provider":"anonymous"}',
      "passkey_removed",
      "password_reset",
    ]);
    // The owner signs in with the password the link set; the address is now proven.
    const signedIn = await auth.accounts.login({ email: address, password: NEW_PASSWORD }, META);
    expect(signedIn.user).toMatchObject({ id: userId, emailVerified: true });

    // A later reset, of a proven address, removes nothing more.
    await reset(auth, mails, address);
    expect((await storage.identities.listForUser(userId)).map((i) => i.provider)).toEqual([
      "vouching",
    ]);
  });

  it("of an account whose address was proven before changes the password only", async () => {
    const storage = await backend.open();
    const { auth, mails } = await authOn(storage);
    const { userId, address } = await accountWithWaysIn(storage, 1);
    await reset(auth, mails, address);
    expect((await storage.identities.listForUser(userId)).map((i) => i.provider).sort()).toEqual([
      "anonymous",
      "elsewhere",
      "unvouched",
      "vouching",
    ]);
    expect(await storage.passkeys.listForUser(userId)).toHaveLength(1);
    expect(await typesAfterReset(backend, storage, userId)).toEqual(["password_reset"]);
    expect(
      (await auth.accounts.login({ email: address, password: NEW_PASSWORD }, META)).user.id,
    ).toBe(userId);
  });
});
