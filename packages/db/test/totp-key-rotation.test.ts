import { randomBytes } from "node:crypto";
import {
  AuthError,
  type AuthService,
  type AuthStorage,
  ManualClock,
  PasswordHasher,
  resealTotpSecrets,
  type TotpEncryptionKeys,
  TotpSecretBox,
  totpCodeAt,
} from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { authOn, codeOf, email, META, PASSWORD } from "./support/fixtures.ts";

/**
 * Rotating the key TOTP secrets are sealed under, through the real auth core
 * on real storage: values sealed before keys had ids keep opening, a new
 * current key seals, a previous key still opens (and its values move to the
 * current key on use or by the eager pass), and a key no longer configured
 * answers a typed error, logged for the operator, that does not count
 * against the owner.
 */

/** Sealed by the release before rotatable keys (as in packages/auth's box test): this server secret, account "user-1". */
const FIXTURE_SERVER_SECRET = Buffer.from("sesame-fixture-server-secret-of-");
const FIXTURE_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEALED_BEFORE_KEY_IDS =
  "65BBSRjcGNvNgnySZ_3CC17OxnuPmtiSXdY9YukwRwEuNLIKcQUoocnIfI74SQtf3Pr6ENrilEpHOK9f";

const STEP_MS = 30_000;

/** The real core on `storage` with these TOTP keys; the lines it logs kept in `logs`. */
async function coreWith(
  storage: AuthStorage,
  clock: ManualClock,
  serverSecret: Uint8Array,
  totpEncryptionKeys?: TotpEncryptionKeys,
) {
  const logs: string[] = [];
  const { auth } = await authOn(storage, clock, {
    secret: serverSecret,
    totpEncryptionKeys,
    log: (line) => logs.push(line),
  });
  return { auth, logs };
}

/** A new account with TOTP on: its address, id, secret and recovery codes. */
async function enrolled(auth: AuthService, clock: ManualClock) {
  const address = email();
  const issued = await auth.accounts.register({ email: address, password: PASSWORD }, META);
  const { id: userId } = issued.user;
  const { secret } = await auth.mfa.beginTotp(userId, issued.sessionId, PASSWORD, META);
  const { recoveryCodes } = await auth.mfa.confirmTotp(
    userId,
    issued.sessionId,
    totpCodeAt(secret, clock.now()),
    META,
  );
  return { email: address, userId, secret, recoveryCodes };
}

/** The password step of a sign-in: the MFA_REQUIRED ticket. */
async function mfaTicket(auth: AuthService, address: string): Promise<string> {
  try {
    await auth.accounts.login({ email: address, password: PASSWORD }, META);
  } catch (error) {
    if (error instanceof AuthError && error.code === "MFA_REQUIRED" && error.details.mfaToken) {
      return error.details.mfaToken;
    }
    throw error;
  }
  throw new Error("signed in without a second factor");
}

/** A whole sign-in with a code of the next time step (each step passes once per account): "ok" or the code. */
async function signInWithCode(
  auth: AuthService,
  clock: ManualClock,
  account: { email: string; secret: string },
): Promise<string> {
  const mfaToken = await mfaTicket(auth, account.email);
  clock.advance(STEP_MS);
  return codeOf(auth.mfa.verify({ mfaToken, code: totpCodeAt(account.secret, clock.now()) }, META));
}

const sealedOf = (backend: Backend, storage: AuthStorage, userId: string) =>
  queryValue<string>(backend, storage, "SELECT sealed_secret FROM totp_factors WHERE user_id = ?", [
    userId,
  ]);

const keyIdOf = (sealed: string) => (sealed.includes(".") ? sealed.split(".")[0] : null);

describe.each(backends)("TOTP encryption keys on $dialect", (backend) => {
  it("a factor sealed by the release before key ids signs in under the default key, and is sealed again naming it", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
    const { auth } = await coreWith(storage, clock, FIXTURE_SERVER_SECRET);
    // The account as that release left it: its id, a password, a confirmed factor with its sealed secret.
    await storage.users.create({
      id: "user-1",
      email: "early@example.com",
      name: null,
      role: "user",
      passwordHash: await new PasswordHasher().hash(PASSWORD),
      createdAt: clock.now(),
      updatedAt: clock.now(),
      disabledAt: null,
      credentialVersion: 0,
      emailVerifiedAt: null,
    });
    await storage.secondFactors.beginTotp({
      userId: "user-1",
      sealedSecret: SEALED_BEFORE_KEY_IDS,
      createdAt: clock.now(),
      confirmedAt: clock.now(),
      lastUsedStep: null,
    });
    const account = { email: "early@example.com", secret: FIXTURE_TOTP_SECRET };
    expect(await signInWithCode(auth, clock, account)).toBe("ok");
    const resealed = await sealedOf(backend, storage, "user-1");
    expect(keyIdOf(resealed)).toBe(new TotpSecretBox(FIXTURE_SERVER_SECRET).currentKeyId);
    expect(await signInWithCode(auth, clock, account)).toBe("ok");
  });

  it("a new current key with the server secret's as previous: codes pass, each factor moves to the new key on use or by the eager pass, then the old key can go", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
    const serverSecret = randomBytes(32);
    const before = await coreWith(storage, clock, serverSecret);
    const [ann, bob] = [await enrolled(before.auth, clock), await enrolled(before.auth, clock)];
    const defaultKeyId = new TotpSecretBox(serverSecret).currentKeyId;
    expect(keyIdOf(await sealedOf(backend, storage, ann.userId))).toBe(defaultKeyId);

    const newKey = randomBytes(32);
    const keys: TotpEncryptionKeys = { current: newKey, previous: ["server-secret"] };
    const rotated = await coreWith(storage, clock, serverSecret, keys);
    const box = new TotpSecretBox(serverSecret, keys);
    expect(box.currentKeyId).not.toBe(defaultKeyId);
    // Ann signs in: her factor is sealed again under the new key; Bob's waits for his next use.
    expect(await signInWithCode(rotated.auth, clock, ann)).toBe("ok");
    expect(keyIdOf(await sealedOf(backend, storage, ann.userId))).toBe(box.currentKeyId);
    expect(keyIdOf(await sealedOf(backend, storage, bob.userId))).toBe(defaultKeyId);

    // The eager pass moves Bob's; run again, it finds nothing to do.
    expect(await resealTotpSecrets(storage.secondFactors, box)).toEqual({
      resealed: 1,
      alreadyCurrent: 1,
      changedMeanwhile: 0,
      unopened: [],
    });
    expect(keyIdOf(await sealedOf(backend, storage, bob.userId))).toBe(box.currentKeyId);
    expect(await resealTotpSecrets(storage.secondFactors, box)).toMatchObject({
      resealed: 0,
      alreadyCurrent: 2,
    });

    // Nothing is under the server secret's key any more: it can be dropped.
    const after = await coreWith(storage, clock, serverSecret, { current: newKey });
    expect(await signInWithCode(after.auth, clock, ann)).toBe("ok");
    expect(await signInWithCode(after.auth, clock, bob)).toBe("ok");
    expect(rotated.logs).toEqual([]);
    expect(after.logs).toEqual([]);
  });

  it("a secret under a key no longer configured: MFA_UNAVAILABLE and a log line naming the key, never counted as a wrong code; a recovery code still signs in", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
    const serverSecret = randomBytes(32);
    const oldKey = randomBytes(32);
    const before = await coreWith(storage, clock, serverSecret, { current: oldKey });
    const carol = await enrolled(before.auth, clock);
    const oldKeyId = new TotpSecretBox(serverSecret, { current: oldKey }).currentKeyId;

    // The old key dropped before her factor moved.
    const { auth, logs } = await coreWith(storage, clock, serverSecret, {
      current: randomBytes(32),
    });
    const mfaToken = await mfaTicket(auth, carol.email);
    // More tries than the throttle's free failures (5): none is counted, none is RATE_LIMITED.
    for (let i = 0; i < 8; i++) {
      clock.advance(STEP_MS);
      const code = totpCodeAt(carol.secret, clock.now());
      expect(await codeOf(auth.mfa.verify({ mfaToken, code }, META))).toBe("MFA_UNAVAILABLE");
    }
    expect(logs).toHaveLength(8);
    expect(logs[0]).toContain(`user ${carol.userId}`);
    expect(logs[0]).toContain(`key ${oldKeyId}, which is not configured`);
    expect(logs[0]).toContain("TOTP_ENCRYPTION_KEYS_PREVIOUS");
    const failed = await queryValue<number>(
      backend,
      storage,
      "SELECT count(*) FROM audit_events WHERE user_id = ? AND type = 'mfa_failed'",
      [carol.userId],
    );
    expect(Number(failed)).toBe(0);
    // The factor is untouched, and recovery codes (hashes, no key) still work.
    expect(keyIdOf(await sealedOf(backend, storage, carol.userId))).toBe(oldKeyId);
    expect(
      await codeOf(auth.mfa.verify({ mfaToken, recoveryCode: carol.recoveryCodes[0] ?? "" }, META)),
    ).toBe("ok");

    // The eager pass reports what it could not open, by key id.
    const box = new TotpSecretBox(serverSecret, { current: randomBytes(32) });
    expect(await resealTotpSecrets(storage.secondFactors, box)).toEqual({
      resealed: 0,
      alreadyCurrent: 0,
      changedMeanwhile: 0,
      unopened: [{ userId: carol.userId, kind: "key_missing", keyId: oldKeyId }],
    });
    // Configured again as a previous key, it opens.
    const restored = await coreWith(storage, clock, serverSecret, {
      current: randomBytes(32),
      previous: [oldKey],
    });
    expect(await signInWithCode(restored.auth, clock, carol)).toBe("ok");
  });

  it("resealTotp is a compare-and-set, and listSealedTotp pages every factor by user id", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
    const { auth } = await coreWith(storage, clock, randomBytes(32));
    const accounts = [];
    for (let i = 0; i < 5; i++) accounts.push(await enrolled(auth, clock));
    const [first] = await storage.secondFactors.listSealedTotp(null, 1);
    if (!first) throw new Error("no factor listed");
    expect(await storage.secondFactors.resealTotp(first.userId, "not what is stored", "x")).toBe(
      false,
    );
    expect(await sealedOf(backend, storage, first.userId)).toBe(first.sealedSecret);
    expect(await storage.secondFactors.resealTotp(first.userId, first.sealedSecret, "y")).toBe(
      true,
    );
    expect(await sealedOf(backend, storage, first.userId)).toBe("y");

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await storage.secondFactors.listSealedTotp(after, 2);
      seen.push(...page.map((factor) => factor.userId));
      if (page.length < 2) break;
      after = page.at(-1)?.userId ?? null;
    }
    // Each once (the order is the database's collation, which paging follows too).
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(accounts.map((account) => account.userId).sort());
  });
});
