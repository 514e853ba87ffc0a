import type {
  AuditEventType,
  AuditRecord,
  AuthStorage,
  MfaTicketRecord,
  SessionRecord,
  TotpFactorRecord,
} from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, eventually, queryValue } from "./support/backends.ts";
import { afterThisTest, email } from "./support/fixtures.ts";

/**
 * The stores' side of second factors: TOTP factors, recovery codes, the
 * tickets of sign-ins waiting for their second factor, and the sign-in
 * methods a session keeps. Which code is valid and what a factor allows are
 * the auth core's (mfa/*); these tests pin the primitives each backend
 * implements, atomic whatever the number of callers.
 */

const T0 = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;
/** The RFC 6238 time step (30 s) of T0. */
const STEP = Math.floor(T0 / 30_000);

let users = 0;
async function user(storage: AuthStorage): Promise<string> {
  const id = `mfa-user-${++users}`;
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

const factor = (userId: string, more: Partial<TotpFactorRecord> = {}): TotpFactorRecord => ({
  userId,
  sealedSecret: `sealed secret of ${userId}`,
  createdAt: T0,
  confirmedAt: null,
  lastUsedStep: null,
  ...more,
});

const audit = (type: AuditEventType, userId: string, at = T0): AuditRecord => ({
  type,
  at,
  userId,
  sessionId: null,
  ip: "203.0.113.7",
  userAgent: "vitest",
});

let codes = 0;
/** `n` distinct recovery-code hashes. */
const codeHashes = (n: number) => Array.from({ length: n }, () => `code hash ${++codes}`);

let tickets = 0;
const ticket = (userId: string, more: Partial<MfaTicketRecord> = {}): MfaTicketRecord => ({
  ticketHash: `ticket hash ${++tickets}`,
  userId,
  credentialVersion: 3,
  amr: ["pwd"],
  createdAt: T0,
  expiresAt: T0 + 300_000,
  ...more,
});

const sessionRecord = (
  id: string,
  userId: string,
  more: Partial<SessionRecord> = {},
): SessionRecord => ({
  id,
  userId,
  createdAt: T0,
  lastUsedAt: T0,
  idleExpiresAt: T0 + HOUR,
  absoluteExpiresAt: T0 + 2 * HOUR,
  revokedAt: null,
  revokeReason: null,
  userAgent: null,
  ip: null,
  dpopJkt: null,
  refreshHash: `hash of ${id}`,
  parentHash: null,
  rotatedAt: null,
  parentSeal: null,
  rotatedBy: null,
  amr: ["pwd"],
  ...more,
});

async function openSession(
  storage: AuthStorage,
  id: string,
  userId: string,
  more: Partial<SessionRecord> = {},
): Promise<SessionRecord> {
  const record = sessionRecord(id, userId, more);
  const created = await storage.sessions.create(
    record,
    { credentialVersion: 0 },
    {
      ...audit("login_succeeded", userId),
      sessionId: id,
    },
  );
  expect(created).toBe("created");
  return record;
}

describe.each(backends)("second factors on $dialect", (backend: Backend) => {
  /** The user's recovery-code hashes, sorted. */
  const codesOf = async (storage: AuthStorage, userId: string) =>
    (
      await backend.query<{ code_hash: string }>(
        storage,
        "SELECT code_hash FROM recovery_codes WHERE user_id = ?",
        [userId],
      )
    )
      .map((row) => row.code_hash)
      .sort();

  /** The types of the user's audit rows, oldest first, sign-ins left out. */
  const eventsOf = async (storage: AuthStorage, userId: string) =>
    (
      await backend.query<{ type: string }>(
        storage,
        "SELECT type FROM audit_events WHERE user_id = ? AND type <> 'login_succeeded' ORDER BY id",
        [userId],
      )
    ).map((row) => row.type);

  const confirm = (storage: AuthStorage, userId: string, step: number, hashes = codeHashes(3)) =>
    storage.secondFactors.confirmTotp({
      userId,
      now: T0 + 1000,
      step,
      recoveryCodeHashes: hashes,
      audit: audit("totp_enabled", userId, T0 + 1000),
    });

  describe("a TOTP factor", () => {
    it("begins unconfirmed, replaces an unconfirmed one, and never a confirmed one", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      expect(await storage.secondFactors.findTotp(a)).toBeUndefined();
      const first = factor(a);
      expect(await storage.secondFactors.beginTotp(first)).toBe("stored");
      expect(await storage.secondFactors.findTotp(a)).toEqual(first);
      const second = factor(a, { sealedSecret: "another sealed secret", createdAt: T0 + 5 });
      expect(await storage.secondFactors.beginTotp(second)).toBe("stored");
      expect(await storage.secondFactors.findTotp(a)).toEqual(second);
      expect(await storage.secondFactors.beginTotp(factor(b))).toBe("stored");

      expect(await confirm(storage, a, STEP)).toBe(true);
      const confirmed = { ...second, confirmedAt: T0 + 1000, lastUsedStep: STEP };
      expect(await storage.secondFactors.findTotp(a)).toEqual(confirmed);
      const third = factor(a, { sealedSecret: "a third sealed secret", createdAt: T0 + 9 });
      expect(await storage.secondFactors.beginTotp(third)).toBe("confirmed_exists");
      expect(await storage.secondFactors.findTotp(a)).toEqual(confirmed);
      expect(await storage.secondFactors.findTotp(b)).toEqual(factor(b));
    });

    it("a step passes once, only after the last one used, and on a confirmed factor when asked so", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const use = (userId: string, step: number, confirmed = false) =>
        storage.secondFactors.useTotpStep(userId, step, confirmed);
      expect(await use(a, STEP)).toBe(false);
      await storage.secondFactors.beginTotp(factor(a));
      await storage.secondFactors.beginTotp(factor(b));
      // Unconfirmed: refused when a confirmed factor is asked for, and nothing recorded.
      expect(await use(a, STEP, true)).toBe(false);
      expect((await storage.secondFactors.findTotp(a))?.lastUsedStep).toBeNull();
      expect(await use(a, STEP)).toBe(true);
      expect(await use(a, STEP)).toBe(false);
      expect(await use(a, STEP - 1)).toBe(false);
      expect((await storage.secondFactors.findTotp(a))?.lastUsedStep).toBe(STEP);
      expect(await use(a, STEP + 1)).toBe(true);
      expect((await storage.secondFactors.findTotp(a))?.lastUsedStep).toBe(STEP + 1);
      // Another user's factor has steps of its own.
      expect(await use(b, STEP)).toBe(true);

      expect(await confirm(storage, a, STEP + 2)).toBe(true);
      expect(await use(a, STEP + 2, true)).toBe(false);
      expect(await use(a, STEP + 3, true)).toBe(true);
      expect(await use(a, STEP + 3, true)).toBe(false);
      expect(await use(a, STEP + 4, false)).toBe(true);
      expect((await storage.secondFactors.findTotp(a))?.lastUsedStep).toBe(STEP + 4);
    });

    it("of 8 simultaneous uses of one step, from two processes, exactly one passes", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      await one.secondFactors.beginTotp(factor(a));
      expect(await confirm(one, a, STEP)).toBe(true);
      for (let round = 1; round <= 5; round++) {
        const passed = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? one : two).secondFactors.useTotpStep(a, STEP + round, true),
          ),
        );
        expect(passed.filter(Boolean)).toHaveLength(1);
        expect((await two.secondFactors.findTotp(a))?.lastUsedStep).toBe(STEP + round);
      }
    });

    it("confirming records the step, replaces the recovery codes and writes its event, in one unit", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      await storage.secondFactors.beginTotp(factor(a));
      const old = codeHashes(2);
      await storage.secondFactors.replaceRecoveryCodes({
        userId: a,
        now: T0,
        hashes: old,
        audit: audit("recovery_codes_regenerated", a),
      });
      const fresh = codeHashes(10);
      expect(await confirm(storage, a, STEP, fresh)).toBe(true);
      expect(await storage.secondFactors.findTotp(a)).toMatchObject({
        confirmedAt: T0 + 1000,
        lastUsedStep: STEP,
      });
      expect(await codesOf(storage, a)).toEqual([...fresh].sort());
      expect(await storage.secondFactors.countRecoveryCodes(a)).toBe(10);
      expect(await eventsOf(storage, a)).toEqual(["recovery_codes_regenerated", "totp_enabled"]);
    });

    it("confirming refuses, writing nothing, a used step, a confirmed factor and no factor", async () => {
      const storage = await backend.open();
      const [a, none] = [await user(storage), await user(storage)];
      expect(await confirm(storage, none, STEP)).toBe(false);
      expect(await codesOf(storage, none)).toEqual([]);
      expect(await eventsOf(storage, none)).toEqual([]);

      await storage.secondFactors.beginTotp(factor(a));
      expect(await storage.secondFactors.useTotpStep(a, STEP, false)).toBe(true);
      expect(await confirm(storage, a, STEP)).toBe(false);
      expect(await confirm(storage, a, STEP - 1)).toBe(false);
      expect(await storage.secondFactors.findTotp(a)).toEqual(factor(a, { lastUsedStep: STEP }));
      expect(await codesOf(storage, a)).toEqual([]);
      expect(await eventsOf(storage, a)).toEqual([]);

      const kept = codeHashes(3);
      expect(await confirm(storage, a, STEP + 1, kept)).toBe(true);
      // Confirmed already: a later step confirms nothing again.
      expect(await confirm(storage, a, STEP + 2)).toBe(false);
      expect(await storage.secondFactors.findTotp(a)).toMatchObject({ lastUsedStep: STEP + 1 });
      expect(await codesOf(storage, a)).toEqual([...kept].sort());
      expect(await eventsOf(storage, a)).toEqual(["totp_enabled"]);
    });

    it("removing it deletes the factor and the codes and revokes the other live sessions, which the feed of every process hears", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const heard: string[] = [];
      await two.revocations.start((revocations) => {
        heard.push(...revocations.map(({ sessionId }) => sessionId));
      });
      afterThisTest(() => two.revocations.stop());
      const [a, b] = [await user(one), await user(one)];
      for (const id of ["a-current", "a-other", "a-third", "a-ended"])
        await openSession(one, id, a);
      await openSession(one, "b-only", b);
      await one.sessions.revoke("a-ended", a, "logout", T0 + 10);
      await one.secondFactors.beginTotp(factor(a));
      await confirm(one, a, STEP);
      await one.secondFactors.beginTotp(factor(b));
      await confirm(one, b, STEP);

      const revoked = await one.secondFactors.removeTotp({
        userId: a,
        now: T0 + 2000,
        exceptSessionId: "a-current",
        reason: "second_factor_removed",
        audit: audit("totp_disabled", a, T0 + 2000),
      });
      expect([...revoked].sort()).toEqual(["a-other", "a-third"]);
      expect(await two.secondFactors.findTotp(a)).toBeUndefined();
      expect(await codesOf(two, a)).toEqual([]);
      expect(await two.secondFactors.countRecoveryCodes(a)).toBe(0);
      expect(await two.sessions.findById("a-other")).toMatchObject({
        revokedAt: T0 + 2000,
        revokeReason: "second_factor_removed",
      });
      // The session ended before keeps its own end.
      expect(await two.sessions.findById("a-ended")).toMatchObject({
        revokedAt: T0 + 10,
        revokeReason: "logout",
      });
      expect((await two.sessions.listActive(a, T0)).map(({ id }) => id)).toEqual(["a-current"]);
      const hears = (id: string) => async () => {
        two.revocations.catchUp?.();
        return heard.includes(id);
      };
      expect(await eventually(backend.revocationDelayMs, hears("a-other"))).toBe(true);
      expect(await eventually(backend.revocationDelayMs, hears("a-third"))).toBe(true);
      expect(heard).not.toContain("a-current");
      expect(await eventsOf(two, a)).toEqual(["totp_enabled", "totp_disabled"]);
      // Another user's factor, codes and session stay.
      expect(await two.secondFactors.findTotp(b)).toMatchObject({ confirmedAt: T0 + 1000 });
      expect(await two.secondFactors.countRecoveryCodes(b)).toBe(3);
      expect((await two.sessions.listActive(b, T0)).map(({ id }) => id)).toEqual(["b-only"]);
      expect(heard).not.toContain("b-only");

      // With no session excepted, every live one goes.
      const all = await one.secondFactors.removeTotp({
        userId: a,
        now: T0 + 3000,
        reason: "second_factor_removed",
        audit: audit("totp_disabled", a, T0 + 3000),
      });
      expect(all).toEqual(["a-current"]);
      expect(await two.sessions.listActive(a, T0)).toEqual([]);
      expect(await eventually(backend.revocationDelayMs, hears("a-current"))).toBe(true);
    });
  });

  describe("recovery codes", () => {
    it("a new set voids the old one, with its event; another user's codes stay", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const replace = (userId: string, hashes: string[]) =>
        storage.secondFactors.replaceRecoveryCodes({
          userId,
          now: T0,
          hashes,
          audit: audit("recovery_codes_regenerated", userId),
        });
      const [old, fresh, theirs] = [codeHashes(4), codeHashes(4), codeHashes(2)];
      await replace(a, old);
      await replace(b, theirs);
      await replace(a, fresh);
      expect(await codesOf(storage, a)).toEqual([...fresh].sort());
      expect(await codesOf(storage, b)).toEqual([...theirs].sort());
      expect(await storage.secondFactors.useRecoveryCode(a, old[0] ?? "")).toBeUndefined();
      expect(await storage.secondFactors.countRecoveryCodes(a)).toBe(4);
      expect(await eventsOf(storage, a)).toEqual([
        "recovery_codes_regenerated",
        "recovery_codes_regenerated",
      ]);
      await replace(a, []);
      expect(await storage.secondFactors.countRecoveryCodes(a)).toBe(0);
      expect(await storage.secondFactors.countRecoveryCodes(b)).toBe(2);
    });

    it("of new sets written at once, from two processes, exactly one stays, whole", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      const sets = Array.from({ length: 6 }, () => codeHashes(4));
      await Promise.all(
        sets.map((hashes, i) =>
          (i % 2 === 0 ? one : two).secondFactors.replaceRecoveryCodes({
            userId: a,
            now: T0,
            hashes,
            audit: audit("recovery_codes_regenerated", a),
          }),
        ),
      );
      const left = await codesOf(one, a);
      expect(sets.map((hashes) => [...hashes].sort())).toContainEqual(left);
      expect(await eventsOf(one, a)).toHaveLength(6);
    });

    it("a code answers how many are left, once; a used code or another user's answers undefined", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const mine = codeHashes(3);
      await storage.secondFactors.replaceRecoveryCodes({
        userId: a,
        now: T0,
        hashes: mine,
        audit: audit("recovery_codes_regenerated", a),
      });
      const [first = "", second = "", third = ""] = mine;
      expect(await storage.secondFactors.useRecoveryCode(b, first)).toBeUndefined();
      expect(await storage.secondFactors.useRecoveryCode(a, "no such code")).toBeUndefined();
      expect(await storage.secondFactors.countRecoveryCodes(a)).toBe(3);
      expect(await storage.secondFactors.useRecoveryCode(a, second)).toBe(2);
      expect(await storage.secondFactors.useRecoveryCode(a, second)).toBeUndefined();
      expect(await storage.secondFactors.useRecoveryCode(a, first)).toBe(1);
      expect(await storage.secondFactors.useRecoveryCode(a, third)).toBe(0);
      expect(await storage.secondFactors.useRecoveryCode(a, third)).toBeUndefined();
      expect(await storage.secondFactors.countRecoveryCodes(a)).toBe(0);
    });

    it("of 10 simultaneous uses of one code, from two processes, exactly one gets a number", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      const mine = codeHashes(5);
      await one.secondFactors.replaceRecoveryCodes({
        userId: a,
        now: T0,
        hashes: mine,
        audit: audit("recovery_codes_regenerated", a),
      });
      for (const [i, code] of mine.entries()) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            (j % 2 === 0 ? one : two).secondFactors.useRecoveryCode(a, code),
          ),
        );
        expect(answers.filter((left) => left !== undefined)).toEqual([mine.length - i - 1]);
      }
      expect(await two.secondFactors.countRecoveryCodes(a)).toBe(0);
    });

    it("of simultaneous uses of different codes, from two processes, each gets its own count", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      const mine = codeHashes(8);
      await one.secondFactors.replaceRecoveryCodes({
        userId: a,
        now: T0,
        hashes: mine,
        audit: audit("recovery_codes_regenerated", a),
      });
      const answers = await Promise.all(
        mine.map((code, i) => (i % 2 === 0 ? one : two).secondFactors.useRecoveryCode(a, code)),
      );
      // As if one after the other: every count from 7 down to 0 once.
      expect(answers.map((left) => left ?? -1).sort((x, y) => x - y)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
    });
  });

  describe("MFA tickets", () => {
    it("are found as issued, consumed once, and purged once expired", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const live = ticket(a, { amr: ["pwd", "hwk"] });
      const expired = ticket(a, { expiresAt: T0 - 1, credentialVersion: 0 });
      await storage.mfaTickets.issue(live);
      await storage.mfaTickets.issue(expired);
      expect(await storage.mfaTickets.find(live.ticketHash)).toEqual(live);
      expect(await storage.mfaTickets.find(expired.ticketHash)).toEqual(expired);
      expect(await storage.mfaTickets.find("no such ticket")).toBeUndefined();
      expect(await storage.mfaTickets.consume(live.ticketHash)).toBe(true);
      expect(await storage.mfaTickets.consume(live.ticketHash)).toBe(false);
      expect(await storage.mfaTickets.find(live.ticketHash)).toBeUndefined();
      // Expiring at the time given is not expired before it.
      expect(await storage.mfaTickets.purgeExpiredBefore(T0 - 1)).toBe(0);
      expect(await storage.mfaTickets.purgeExpiredBefore(T0)).toBe(1);
      expect(await storage.mfaTickets.find(expired.ticketHash)).toBeUndefined();
    });

    it("of simultaneous consumes of one ticket, from two processes, exactly one deletes it", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      for (let round = 0; round < 5; round++) {
        const t = ticket(a);
        await one.mfaTickets.issue(t);
        const consumed = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? one : two).mfaTickets.consume(t.ticketHash),
          ),
        );
        expect(consumed.filter(Boolean)).toHaveLength(1);
      }
      expect(await queryValue(backend, one, "SELECT count(*) AS n FROM mfa_tickets")).toBe(0);
    });
  });

  it("a deleted user's factor, codes and tickets go with them", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    for (const userId of [a, b]) {
      await storage.secondFactors.beginTotp(factor(userId));
      await confirm(storage, userId, STEP);
      await storage.mfaTickets.issue(ticket(userId));
    }
    await backend.query(storage, "DELETE FROM users WHERE id = ? RETURNING id", [a]);
    const rowsOf = (table: string, userId: string) =>
      queryValue(backend, storage, `SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, [
        userId,
      ]);
    for (const table of ["totp_factors", "recovery_codes", "mfa_tickets"]) {
      expect(await rowsOf(table, a)).toBe(0);
      expect(await rowsOf(table, b)).toBeGreaterThan(0);
    }
  });

  describe("a session's sign-in methods (amr)", () => {
    it("are stored with it, read back by findById and listActive, and kept by a rotation", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const amr = ["pwd", "otp", "mfa"];
      const record = await openSession(storage, "with-otp", a, { amr });
      await openSession(storage, "with-pwd", a, { lastUsedAt: T0 - 1 });
      expect(await storage.sessions.findById("with-otp")).toEqual(record);
      expect((await storage.sessions.listActive(a, T0)).map((s) => [s.id, s.amr])).toEqual([
        ["with-otp", amr],
        ["with-pwd", ["pwd"]],
      ]);
      const rotated = await storage.sessions.rotate(
        {
          sessionId: "with-otp",
          presentedHash: record.refreshHash ?? "",
          successorHash: "hash of the successor",
          sealedSuccessor: "sealed successor",
          rotatedBy: "binding",
          now: T0 + 1000,
          idleExpiresAt: T0 + HOUR + 1000,
          ip: null,
          userAgent: null,
        },
        {
          event: {
            type: "refresh",
            at: T0 + 1000,
            userId: a,
            sessionId: "with-otp",
            ip: null,
            userAgent: null,
          },
        },
      );
      expect(rotated).toBe("rotated");
      expect(await storage.sessions.findById("with-otp")).toMatchObject({
        refreshHash: "hash of the successor",
        amr,
      });
      expect(
        await queryValue(backend, storage, "SELECT amr FROM sessions WHERE id = ?", ["with-otp"]),
      ).toBe(JSON.stringify(amr));
    });

    it("of a session written without them (as before they existed) are a password's", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      await backend.query(
        storage,
        `INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at)
         VALUES ('older', ?, ?, ?, ?, ?) RETURNING id`,
        [a, T0, T0, T0 + HOUR, T0 + 2 * HOUR],
      );
      expect((await storage.sessions.findById("older"))?.amr).toEqual(["pwd"]);
    });
  });
});
