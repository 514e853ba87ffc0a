import type {
  AuditEventType,
  AuditRecord,
  AuthStorage,
  PasskeyRecord,
  PasskeyUse,
  WebAuthnChallengeRecord,
} from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { email } from "./support/fixtures.ts";

/**
 * The stores' side of passkeys: the credentials themselves and the
 * challenges of their ceremonies. What a ceremony proves is the auth core's
 * (passkeys/*); these tests pin the primitives each backend implements,
 * atomic whatever the number of callers.
 */

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
/** The largest signature counter an authenticator can report (an unsigned 32-bit number). */
const MAX_COUNTER = 2 ** 32 - 1;

let users = 0;
async function user(storage: AuthStorage): Promise<string> {
  const id = `passkey-user-${++users}`;
  const created = await storage.users.create({
    id,
    email: email(),
    name: null,
    role: "user",
    passwordHash: "not a hash",
    createdAt: T0,
    updatedAt: T0,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: null,
  });
  expect(created).toBe("created");
  return id;
}

let credentials = 0;
const passkey = (userId: string, more: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
  id: `credential-${++credentials}`,
  userId,
  publicKey: `public key ${credentials}`,
  counter: 0,
  transports: ["internal", "hybrid"],
  deviceType: "multiDevice",
  backedUp: true,
  name: null,
  createdAt: T0,
  lastUsedAt: null,
  ...more,
});

const audit = (type: AuditEventType, userId: string, at = T0): AuditRecord => ({
  type,
  at,
  userId,
  sessionId: "a session",
  ip: "203.0.113.7",
  userAgent: "vitest",
});

let challenges = 0;
const challenge = (
  userId: string | null,
  more: Partial<WebAuthnChallengeRecord> = {},
): WebAuthnChallengeRecord => ({
  challenge: `challenge-${++challenges}`,
  purpose: userId === null ? "authentication" : "registration",
  userId,
  expiresAt: T0 + 5 * MINUTE,
  ...more,
});

describe.each(backends)("passkeys on $dialect", (backend: Backend) => {
  /** Every audit row, oldest first. */
  const events = (storage: AuthStorage) =>
    backend.query<{ type: string; user_id: string | null; at: number }>(
      storage,
      "SELECT type, user_id, at FROM audit_events ORDER BY id",
    );

  const add = async (storage: AuthStorage, record: PasskeyRecord) => {
    expect(await storage.passkeys.create(record, audit("passkey_added", record.userId))).toBe(
      "created",
    );
    return record;
  };

  const use = (storage: AuthStorage, id: string, counter: number, more: Partial<PasskeyUse> = {}) =>
    storage.passkeys.recordUse({ id, counter, backedUp: true, now: T0 + MINUTE, ...more });

  describe("a passkey", () => {
    it("is read back whole, every field, and an account's are listed oldest first", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const newest = passkey(a, {
        createdAt: T0 + 2000,
        name: "Work laptop",
        transports: ["usb", "nfc"],
        deviceType: "singleDevice",
        backedUp: false,
        counter: MAX_COUNTER,
        lastUsedAt: T0 + 3000,
      });
      const oldest = passkey(a, { createdAt: T0, transports: [] });
      const middle = passkey(a, { createdAt: T0 + 1000, name: "Phone", counter: 41 });
      const theirs = passkey(b);
      for (const record of [newest, oldest, middle, theirs]) await add(storage, record);

      expect(await storage.passkeys.findById(newest.id)).toEqual(newest);
      expect(await storage.passkeys.findById(oldest.id)).toEqual(oldest);
      expect(await storage.passkeys.findById(middle.id)).toEqual(middle);
      expect(await storage.passkeys.findById("no such credential")).toBeUndefined();
      expect(await storage.passkeys.listForUser(a)).toEqual([oldest, middle, newest]);
      expect(await storage.passkeys.listForUser(b)).toEqual([theirs]);
      expect(await storage.passkeys.listForUser(await user(storage))).toEqual([]);
      // Each creation wrote its event, in the same unit.
      expect(await events(storage)).toEqual([
        { type: "passkey_added", user_id: a, at: T0 },
        { type: "passkey_added", user_id: a, at: T0 },
        { type: "passkey_added", user_id: a, at: T0 },
        { type: "passkey_added", user_id: b, at: T0 },
      ]);
    });

    it("a known credential id answers exists, whoever's it is, and writes nothing, no event either", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const mine = await add(storage, passkey(a, { name: "Mine" }));
      const impostor = passkey(b, {
        id: mine.id,
        publicKey: "another public key",
        counter: 9,
        name: "Not yours",
      });
      expect(await storage.passkeys.create(impostor, audit("passkey_added", b))).toBe("exists");
      expect(
        await storage.passkeys.create({ ...mine, name: "Again" }, audit("passkey_added", a)),
      ).toBe("exists");
      expect(await storage.passkeys.findById(mine.id)).toEqual(mine);
      expect(await storage.passkeys.listForUser(a)).toEqual([mine]);
      expect(await storage.passkeys.listForUser(b)).toEqual([]);
      expect(await queryValue(backend, storage, "SELECT count(*) AS n FROM passkeys")).toBe(1);
      expect(await events(storage)).toEqual([{ type: "passkey_added", user_id: a, at: T0 }]);
    });

    it("a use moves the counter forward once, and a counter that did not move is refused", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const key = await add(storage, passkey(a, { counter: 5, backedUp: false }));
      const other = await add(storage, passkey(a, { counter: 5 }));
      expect(await use(storage, key.id, 6, { backedUp: true, now: T0 + 10 })).toBe(true);
      const used = { ...key, counter: 6, backedUp: true, lastUsedAt: T0 + 10 };
      expect(await storage.passkeys.findById(key.id)).toEqual(used);
      // The same counter again (a replay, a clone), a lower one, and 0 are refused, writing nothing.
      expect(await use(storage, key.id, 6, { backedUp: false, now: T0 + 20 })).toBe(false);
      expect(await use(storage, key.id, 5, { backedUp: false, now: T0 + 20 })).toBe(false);
      expect(await use(storage, key.id, 0, { backedUp: false, now: T0 + 20 })).toBe(false);
      expect(await storage.passkeys.findById(key.id)).toEqual(used);
      // Up to the largest counter an authenticator can report.
      expect(await use(storage, key.id, MAX_COUNTER, { now: T0 + 30 })).toBe(true);
      expect(await storage.passkeys.findById(key.id)).toMatchObject({
        counter: MAX_COUNTER,
        lastUsedAt: T0 + 30,
      });
      expect(await use(storage, key.id, MAX_COUNTER, { now: T0 + 40 })).toBe(false);
      // Another passkey's counter is its own, and an unknown one records nothing.
      expect(await storage.passkeys.findById(other.id)).toEqual(other);
      expect(await use(storage, "no such credential", 1)).toBe(false);
    });

    it("an authenticator that keeps no counter passes with 0 each time, until it reports one", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const key = await add(storage, passkey(a, { counter: 0, backedUp: true }));
      expect(await use(storage, key.id, 0, { backedUp: false, now: T0 + 10 })).toBe(true);
      expect(await storage.passkeys.findById(key.id)).toEqual({
        ...key,
        counter: 0,
        backedUp: false,
        lastUsedAt: T0 + 10,
      });
      expect(await use(storage, key.id, 0, { backedUp: true, now: T0 + 20 })).toBe(true);
      expect(await storage.passkeys.findById(key.id)).toMatchObject({
        counter: 0,
        backedUp: true,
        lastUsedAt: T0 + 20,
      });
      // Once it reports a counter, 0 is a counter that went back.
      expect(await use(storage, key.id, 3, { now: T0 + 30 })).toBe(true);
      expect(await use(storage, key.id, 0, { now: T0 + 40 })).toBe(false);
      expect(await storage.passkeys.findById(key.id)).toMatchObject({
        counter: 3,
        lastUsedAt: T0 + 30,
      });
    });

    it("of 8 simultaneous uses with one new counter, from two processes, exactly one is recorded", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      const key = await add(one, passkey(a, { counter: 10 }));
      for (let round = 1; round <= 5; round++) {
        const recorded = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            use(i % 2 === 0 ? one : two, key.id, 10 + round, { now: T0 + round * 100 + i }),
          ),
        );
        expect(recorded.filter(Boolean)).toHaveLength(1);
        const winner = recorded.indexOf(true);
        expect(await two.passkeys.findById(key.id)).toMatchObject({
          counter: 10 + round,
          lastUsedAt: T0 + round * 100 + winner,
        });
      }
    });

    it("is removed only by its owner, with its event; another's or an unknown id removes nothing", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const [first, second] = [await add(storage, passkey(a)), await add(storage, passkey(a))];
      const theirs = await add(storage, passkey(b));
      const removal = audit("passkey_removed", a, T0 + 50);
      expect(await storage.passkeys.remove(a, theirs.id, removal)).toBe(false);
      expect(await storage.passkeys.remove(a, "no such credential", removal)).toBe(false);
      expect(await storage.passkeys.findById(theirs.id)).toEqual(theirs);
      expect(await storage.passkeys.listForUser(a)).toEqual([first, second]);
      const added = (userId: string) => ({ type: "passkey_added", user_id: userId, at: T0 });
      expect(await events(storage)).toEqual([added(a), added(a), added(b)]);

      expect(await storage.passkeys.remove(a, first.id, removal)).toBe(true);
      expect(await storage.passkeys.findById(first.id)).toBeUndefined();
      expect(await storage.passkeys.listForUser(a)).toEqual([second]);
      expect(await storage.passkeys.listForUser(b)).toEqual([theirs]);
      // Gone: a second removal removes nothing and writes no second event.
      expect(await storage.passkeys.remove(a, first.id, removal)).toBe(false);
      expect(await events(storage)).toEqual([
        added(a),
        added(a),
        added(b),
        { type: "passkey_removed", user_id: a, at: T0 + 50 },
      ]);
    });
  });

  describe("WebAuthn challenges", () => {
    it("are consumed once, as issued, expired or not", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const registration = challenge(a);
      const signIn = challenge(null);
      const expired = challenge(null, { expiresAt: T0 - 1 });
      for (const c of [registration, signIn, expired]) await storage.webauthnChallenges.issue(c);
      expect(await storage.webauthnChallenges.consume(registration.challenge)).toEqual(
        registration,
      );
      expect(await storage.webauthnChallenges.consume(registration.challenge)).toBeUndefined();
      expect(await storage.webauthnChallenges.consume(signIn.challenge)).toEqual(signIn);
      expect(await storage.webauthnChallenges.consume(signIn.challenge)).toBeUndefined();
      // Expiry is the core's to judge: the store answers what it kept.
      expect(await storage.webauthnChallenges.consume(expired.challenge)).toEqual(expired);
      expect(await storage.webauthnChallenges.consume("no such challenge")).toBeUndefined();
    });

    it("of 10 simultaneous consumes of one challenge, from two processes, exactly one gets it", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      for (let round = 0; round < 5; round++) {
        const c = challenge(round % 2 === 0 ? a : null);
        await one.webauthnChallenges.issue(c);
        const consumed = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? one : two).webauthnChallenges.consume(c.challenge),
          ),
        );
        expect(consumed.filter((record) => record !== undefined)).toEqual([c]);
      }
      expect(await queryValue(backend, one, "SELECT count(*) AS n FROM webauthn_challenges")).toBe(
        0,
      );
    });

    it("are purged once expired, and the purge answers how many", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const issued = [0, 1, 2, 3].map((i) =>
        challenge(i % 2 === 0 ? a : null, { expiresAt: T0 + i }),
      );
      for (const c of issued) await storage.webauthnChallenges.issue(c);
      expect(await storage.webauthnChallenges.purgeExpiredBefore(T0)).toBe(0);
      expect(await storage.webauthnChallenges.purgeExpiredBefore(T0 + 2)).toBe(2);
      // Expiring at the time given is not expired before it.
      expect(await storage.webauthnChallenges.consume(issued[1]?.challenge ?? "")).toBeUndefined();
      expect(await storage.webauthnChallenges.consume(issued[2]?.challenge ?? "")).toEqual(
        issued[2],
      );
      expect(await storage.webauthnChallenges.purgeExpiredBefore(T0 + 5 * MINUTE)).toBe(1);
      expect(
        await queryValue(backend, storage, "SELECT count(*) AS n FROM webauthn_challenges"),
      ).toBe(0);
    });
  });

  it("a deleted user's passkeys and registration challenges go with them", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    await add(storage, passkey(a));
    await add(storage, passkey(a));
    const theirs = await add(storage, passkey(b));
    const mine = challenge(a);
    const signIn = challenge(null);
    const theirChallenge = challenge(b);
    for (const c of [mine, signIn, theirChallenge]) await storage.webauthnChallenges.issue(c);
    await backend.query(storage, "DELETE FROM users WHERE id = ? RETURNING id", [a]);
    expect(await storage.passkeys.listForUser(a)).toEqual([]);
    expect(
      await queryValue(backend, storage, "SELECT count(*) AS n FROM passkeys WHERE user_id = ?", [
        a,
      ]),
    ).toBe(0);
    expect(await storage.passkeys.listForUser(b)).toEqual([theirs]);
    expect(await storage.webauthnChallenges.consume(mine.challenge)).toBeUndefined();
    expect(await storage.webauthnChallenges.consume(signIn.challenge)).toEqual(signIn);
    expect(await storage.webauthnChallenges.consume(theirChallenge.challenge)).toEqual(
      theirChallenge,
    );
  });
});
