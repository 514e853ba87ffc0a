import type {
  AuditRecord,
  AuthStorage,
  EmailChange,
  EmailTokenPurpose,
  EmailTokenRecord,
} from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { email } from "./support/fixtures.ts";

/**
 * The stores' side of email links: one-time tokens and the guarded updates
 * of a user's address. Expiry, what a link may do and when to issue one are
 * the auth core's (email/email-flows.ts); these tests pin the primitives
 * each backend implements, atomic whatever the number of callers.
 */

const T0 = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;

let users = 0;
async function user(
  storage: AuthStorage,
  more: { email?: string; emailVerifiedAt?: number } = {},
): Promise<{ id: string; email: string }> {
  const id = `mail-user-${++users}`;
  const address = more.email ?? email();
  const created = await storage.users.create({
    id,
    email: address,
    name: null,
    role: "user",
    passwordHash: "not a hash",
    createdAt: T0,
    updatedAt: T0,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: more.emailVerifiedAt ?? null,
  });
  expect(created).toBe("created");
  return { id, email: address };
}

/** The hashes of `links`, sorted as `stored` answers them. */
const hashes = (...links: EmailTokenRecord[]) => links.map((link) => link.tokenHash).sort();

let tokens = 0;
const token = (
  userId: string,
  purpose: EmailTokenPurpose,
  more: Partial<EmailTokenRecord> = {},
): EmailTokenRecord => ({
  tokenHash: `token hash ${++tokens}`,
  purpose,
  userId,
  email: `${userId}@example.com`,
  createdAt: T0,
  expiresAt: T0 + HOUR,
  ...more,
});

const audit = (userId: string, at: number): AuditRecord => ({
  type: "email_changed",
  at,
  userId,
  sessionId: null,
  ip: "203.0.113.7",
  userAgent: "vitest",
});

const change = (userId: string, fromEmail: string, toEmail: string, now: number): EmailChange => ({
  userId,
  fromEmail,
  toEmail,
  now,
  audit: audit(userId, now),
});

describe.each(backends)("email links on $dialect", (backend: Backend) => {
  /** The hashes of the links stored, sorted. */
  const stored = async (storage: AuthStorage) =>
    (await backend.query<{ token_hash: string }>(storage, "SELECT token_hash FROM email_tokens"))
      .map((row) => row.token_hash)
      .sort();

  it("a new link voids the user's older one of its purpose, not their other purposes nor other users' links", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    const older = token(a.id, "verify_email");
    const reset = token(a.id, "reset_password");
    const theirs = token(b.id, "verify_email");
    const newer = token(a.id, "verify_email", { createdAt: T0 + 1 });
    for (const t of [older, reset, theirs, newer]) await storage.emailTokens.issue(t);
    expect(await stored(storage)).toEqual(hashes(reset, theirs, newer));
    expect(await storage.emailTokens.consume(older.tokenHash, "verify_email")).toBeUndefined();
    expect(await storage.emailTokens.consume(newer.tokenHash, "verify_email")).toEqual(newer);
    expect(await storage.emailTokens.consume(reset.tokenHash, "reset_password")).toEqual(reset);
    expect(await storage.emailTokens.consume(theirs.tokenHash, "verify_email")).toEqual(theirs);
  });

  it("consume answers the link once, expired or not, and nothing after", async () => {
    const storage = await backend.open();
    const a = await user(storage);
    const live = token(a.id, "sign_in");
    const expired = token(a.id, "change_email", { email: "new@example.com", expiresAt: T0 - 1 });
    await storage.emailTokens.issue(live);
    await storage.emailTokens.issue(expired);
    expect(await storage.emailTokens.consume(live.tokenHash, "sign_in")).toEqual(live);
    expect(await storage.emailTokens.consume(live.tokenHash, "sign_in")).toBeUndefined();
    expect(await storage.emailTokens.consume(expired.tokenHash, "change_email")).toEqual(expired);
    expect(await storage.emailTokens.consume(expired.tokenHash, "change_email")).toBeUndefined();
    expect(await stored(storage)).toEqual([]);
  });

  it("of 12 simultaneous uses of one link, from two processes, exactly one gets it", async () => {
    const one = await backend.open();
    const two = await backend.openSecond(one);
    const a = await user(one);
    for (let round = 0; round < 5; round++) {
      const link = token(a.id, "reset_password");
      await one.emailTokens.issue(link);
      const got = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? one : two).emailTokens.consume(link.tokenHash, "reset_password"),
        ),
      );
      expect(got.filter((record) => record !== undefined)).toEqual([link]);
    }
    expect(await stored(one)).toEqual([]);
  });

  it("a link used for another purpose is no link: undefined, and it stays", async () => {
    const storage = await backend.open();
    const a = await user(storage);
    const link = token(a.id, "verify_email");
    await storage.emailTokens.issue(link);
    for (const purpose of ["reset_password", "change_email", "sign_in"] as const) {
      expect(await storage.emailTokens.consume(link.tokenHash, purpose)).toBeUndefined();
    }
    expect(await stored(storage)).toEqual(hashes(link));
    expect(await storage.emailTokens.consume(link.tokenHash, "verify_email")).toEqual(link);
  });

  it("voids a user's links of the purposes given, and answers how many", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    const verify = token(a.id, "verify_email");
    const reset = token(a.id, "reset_password");
    const changeLink = token(a.id, "change_email");
    const signIn = token(a.id, "sign_in");
    const theirs = token(b.id, "reset_password");
    for (const t of [verify, reset, changeLink, signIn, theirs]) await storage.emailTokens.issue(t);
    expect(await storage.emailTokens.voidForUser(a.id, ["reset_password", "sign_in"])).toBe(2);
    expect(await storage.emailTokens.voidForUser(a.id, ["reset_password"])).toBe(0);
    expect(await storage.emailTokens.voidForUser(a.id, [])).toBe(0);
    expect(await stored(storage)).toEqual(hashes(verify, changeLink, theirs));
    const every = ["verify_email", "reset_password", "change_email", "sign_in"] as const;
    expect(await storage.emailTokens.voidForUser(a.id, every)).toBe(2);
    expect(await stored(storage)).toEqual(hashes(theirs));
  });

  it("purges the links that expired before a time, and answers how many", async () => {
    const storage = await backend.open();
    const a = await user(storage);
    const purposes = ["verify_email", "reset_password", "change_email", "sign_in"] as const;
    const links = purposes.map((purpose, i) => token(a.id, purpose, { expiresAt: T0 + i }));
    for (const t of links) await storage.emailTokens.issue(t);
    expect(await storage.emailTokens.purgeExpiredBefore(T0)).toBe(0);
    expect(await storage.emailTokens.purgeExpiredBefore(T0 + 2)).toBe(2);
    // Expiring at the time given is not expired before it.
    expect(await stored(storage)).toEqual(hashes(...links.slice(2)));
    expect(await storage.emailTokens.purgeExpiredBefore(T0 + HOUR)).toBe(2);
    expect(await stored(storage)).toEqual([]);
  });

  it("a deleted user's links go with them", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    await storage.emailTokens.issue(token(a.id, "verify_email"));
    await storage.emailTokens.issue(token(a.id, "sign_in"));
    const theirs = token(b.id, "sign_in");
    await storage.emailTokens.issue(theirs);
    await backend.query(storage, "DELETE FROM users WHERE id = ? RETURNING id", [a.id]);
    expect(await stored(storage)).toEqual(hashes(theirs));
  });

  it("a user's verification time is stored with them and read back", async () => {
    const storage = await backend.open();
    const verified = await user(storage, { emailVerifiedAt: T0 - HOUR });
    const unverified = await user(storage);
    expect((await storage.users.findById(verified.id))?.emailVerifiedAt).toBe(T0 - HOUR);
    expect((await storage.users.findByEmail(verified.email))?.emailVerifiedAt).toBe(T0 - HOUR);
    expect((await storage.users.findById(unverified.id))?.emailVerifiedAt).toBeNull();
  });

  it("marks an address verified only while it is the user's, and only the first time", async () => {
    const storage = await backend.open();
    const a = await user(storage);
    const b = await user(storage);
    expect(await storage.users.markEmailVerified(a.id, "someone.else@example.com", T0 + 1)).toBe(
      false,
    );
    // Another account's address is not this user's either.
    expect(await storage.users.markEmailVerified(a.id, b.email, T0 + 1)).toBe(false);
    expect(await storage.users.markEmailVerified("no such user", a.email, T0 + 1)).toBe(false);
    expect((await storage.users.findById(a.id))?.emailVerifiedAt).toBeNull();
    expect((await storage.users.findById(b.id))?.emailVerifiedAt).toBeNull();
    expect(await storage.users.markEmailVerified(a.id, a.email, T0 + 5)).toBe(true);
    expect((await storage.users.findById(a.id))?.emailVerifiedAt).toBe(T0 + 5);
    // A second link to the same address still answers it is the user's, and keeps the first time.
    expect(await storage.users.markEmailVerified(a.id, a.email, T0 + 9)).toBe(true);
    expect((await storage.users.findById(a.id))?.emailVerifiedAt).toBe(T0 + 5);
    expect((await storage.users.findById(b.id))?.emailVerifiedAt).toBeNull();
  });

  describe("an email change", () => {
    const auditRows = (storage: AuthStorage, userId: string) =>
      backend.query<{ type: string; at: number }>(
        storage,
        "SELECT type, at FROM audit_events WHERE user_id = ?",
        [userId],
      );

    it("moves the address, verified now, with its audit event", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const to = email();
      expect(await storage.users.changeEmail(change(a.id, a.email, to, T0 + 7))).toBe("changed");
      expect(await storage.users.findById(a.id)).toMatchObject({
        email: to,
        emailVerifiedAt: T0 + 7,
        updatedAt: T0 + 7,
      });
      expect((await storage.users.findByEmail(to))?.id).toBe(a.id);
      expect(await storage.users.findByEmail(a.email)).toBeUndefined();
      expect(await auditRows(storage, a.id)).toEqual([{ type: "email_changed", at: T0 + 7 }]);
    });

    it("answers email_taken when another account holds the address, and writes nothing", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const b = await user(storage, { emailVerifiedAt: T0 });
      expect(await storage.users.changeEmail(change(a.id, a.email, b.email, T0 + 7))).toBe(
        "email_taken",
      );
      expect(await storage.users.findById(a.id)).toMatchObject({
        email: a.email,
        emailVerifiedAt: null,
        updatedAt: T0,
      });
      expect((await storage.users.findByEmail(b.email))?.id).toBe(b.id);
      expect(await auditRows(storage, a.id)).toEqual([]);
      expect(await queryValue(backend, storage, "SELECT count(*) AS n FROM audit_events")).toBe(0);
    });

    it("answers stale when the address moved meanwhile, and writes nothing", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const first = email();
      expect(await storage.users.changeEmail(change(a.id, a.email, first, T0 + 1))).toBe("changed");
      // A second change asked from the address the account had before the first.
      expect(await storage.users.changeEmail(change(a.id, a.email, email(), T0 + 2))).toBe("stale");
      expect(
        await storage.users.changeEmail(change("no such user", a.email, email(), T0 + 2)),
      ).toBe("stale");
      expect(await storage.users.findById(a.id)).toMatchObject({
        email: first,
        emailVerifiedAt: T0 + 1,
        updatedAt: T0 + 1,
      });
      expect(await auditRows(storage, a.id)).toEqual([{ type: "email_changed", at: T0 + 1 }]);
    });

    it("of accounts taking one address at once, from two processes, one gets it", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const accounts = await Promise.all(Array.from({ length: 6 }, () => user(one)));
      const to = email();
      const outcomes = await Promise.all(
        accounts.map((a, i) =>
          (i % 2 === 0 ? one : two).users.changeEmail(change(a.id, a.email, to, T0 + 3)),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === "changed")).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === "email_taken")).toHaveLength(5);
      const winner = accounts[outcomes.indexOf("changed")];
      expect((await two.users.findByEmail(to))?.id).toBe(winner?.id);
      expect(await queryValue(backend, one, "SELECT count(*) AS n FROM audit_events")).toBe(1);
    });
  });
});
