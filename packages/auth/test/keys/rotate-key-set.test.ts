import { describe, expect, it } from "vitest";
import {
  generateSigningKey,
  KeyRing,
  KeySetError,
  ManualClock,
  NEXT_KEY_MIN_PUBLISHED,
  REFRESH_TOKEN,
  rotateKeySet,
  type SigningKeyRecord,
  signToken,
  verifyToken,
} from "../../src/index.ts";
import { TEST_CONFIG } from "../support/keys.ts";

const RETENTION = 7 * 24 * 60 * 60 + 30;
const HOUR = 60 * 60 * 1000;

async function firstStart(clock: ManualClock, alg: "EdDSA" | "ES256" = "EdDSA") {
  return [
    await generateSigningKey(alg, "current", clock.now()),
    await generateSigningKey(alg, "next", clock.now()),
  ];
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeySetError) return error.code;
    throw error;
  }
  throw new Error("Expected a KeySetError.");
}

/** A refresh token: it lives for the session's idle limit, so it outlives several rotations. */
function refreshTokenFor(ring: KeyRing, nowMs: number, jti: string): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const subject = { userId: "user-1", sessionId: "session-1" };
  return signToken(REFRESH_TOKEN, ring, TEST_CONFIG, subject, jti, now, now + RETENTION - 30);
}

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;

describe("rotateKeySet", () => {
  it("promotes next to current, retires current and publishes a fresh next", async () => {
    const clock = new ManualClock();
    const [current, next] = (await firstStart(clock)) as [SigningKeyRecord, SigningKeyRecord];
    clock.advance(HOUR);
    const rotation = await rotateKeySet([current, next], {
      now: clock.now(),
      alg: "EdDSA",
      retentionSeconds: RETENTION,
    });

    expect(rotation.promoted).toBe(next.kid);
    expect(rotation.retired).toBe(current.kid);
    expect(rotation.generated).toHaveLength(1);
    expect(rotation.pruned).toEqual([]);
    expect(rotation.keys.map((k) => [k.kid, k.status])).toEqual([
      [next.kid, "current"],
      [rotation.generated[0], "next"],
      [current.kid, "retired"],
    ]);
    expect(rotation.keys[0]?.activatedAt).toBe(clock.now());
    expect(rotation.keys[1]?.createdAt).toBe(clock.now());
    expect(rotation.keys[2]?.retiredAt).toBe(clock.now());
    // The input is left as it was.
    expect(current.status).toBe("current");
    expect(next.status).toBe("next");
  });

  it("waits until the next key has been published for the JWKS cache lifetime, unless forced", async () => {
    const clock = new ManualClock();
    const keys = await firstStart(clock);
    const options = { alg: "EdDSA" as const, retentionSeconds: RETENTION };

    clock.advance(NEXT_KEY_MIN_PUBLISHED * 1000 - 1);
    expect(await codeOf(rotateKeySet(keys, { ...options, now: clock.now() }))).toBe(
      "ERR_KEY_SET_NEXT_KEY_TOO_NEW",
    );
    const forced = await rotateKeySet(keys, { ...options, now: clock.now(), force: true });
    expect(forced.promoted).toBe(keys[1]?.kid);

    clock.advance(1);
    const onTime = await rotateKeySet(keys, { ...options, now: clock.now() });
    expect(onTime.promoted).toBe(keys[1]?.kid);
  });

  it("keeps a retired key exactly as long as the retention and then prunes it", async () => {
    const clock = new ManualClock();
    const options = { alg: "EdDSA" as const, retentionSeconds: RETENTION };
    const original = await firstStart(clock);
    clock.advance(HOUR);
    const first = await rotateKeySet(original, { ...options, now: clock.now() });
    const retiredAt = clock.now();

    clock.advance(HOUR);
    const second = await rotateKeySet(first.keys, { ...options, now: clock.now() });
    expect(second.keys.filter((k) => k.status === "retired")).toHaveLength(2);

    const justBefore = await rotateKeySet(second.keys, {
      ...options,
      now: retiredAt + RETENTION * 1000 - 1,
    });
    expect(justBefore.pruned).toEqual([]);
    expect(justBefore.keys.filter((k) => k.status === "retired")).toHaveLength(3);

    const third = await rotateKeySet(second.keys, {
      ...options,
      now: retiredAt + RETENTION * 1000,
    });
    expect(third.pruned).toEqual([original[0]?.kid]);
    expect(third.keys.map((k) => k.kid)).not.toContain(original[0]?.kid);
    expect(third.keys.filter((k) => k.status === "retired")).toHaveLength(2);
  });

  it("refuses a key set without exactly one current key", async () => {
    const clock = new ManualClock();
    const [current, next] = (await firstStart(clock)) as [SigningKeyRecord, SigningKeyRecord];
    const options = { now: clock.now() + HOUR, alg: "EdDSA" as const, retentionSeconds: RETENTION };
    expect(await codeOf(rotateKeySet([next], options))).toBe("ERR_KEY_SET_INVALID");
    expect(await codeOf(rotateKeySet([current, { ...next, status: "current" }], options))).toBe(
      "ERR_KEY_SET_INVALID",
    );
  });

  it("without a published next key, rotates only when forced, generating the new signer", async () => {
    const clock = new ManualClock();
    const only = [await generateSigningKey("EdDSA", "current", clock.now())];
    clock.advance(HOUR);
    const options = { now: clock.now(), alg: "EdDSA" as const, retentionSeconds: RETENTION };
    expect(await codeOf(rotateKeySet(only, options))).toBe("ERR_KEY_SET_NO_NEXT_KEY");

    const forced = await rotateKeySet(only, { ...options, force: true });
    expect(forced.generated).toHaveLength(2);
    expect(forced.generated[0]).toBe(forced.promoted);
    expect(forced.keys.map((k) => k.status)).toEqual(["current", "next", "retired"]);
  });

  it("switches algorithm over two rotations, each key keeping its own", async () => {
    const clock = new ManualClock();
    const options = { alg: "ES256" as const, retentionSeconds: RETENTION };
    const keys = await firstStart(clock);
    clock.advance(HOUR);
    const first = await rotateKeySet(keys, { ...options, now: clock.now() });
    expect(first.keys.map((k) => `${k.status}:${k.alg}`)).toEqual([
      "current:EdDSA",
      "next:ES256",
      "retired:EdDSA",
    ]);
    clock.advance(HOUR);
    const second = await rotateKeySet(first.keys, { ...options, now: clock.now() });
    expect(second.keys.map((k) => `${k.status}:${k.alg}`)).toEqual([
      "current:ES256",
      "next:ES256",
      "retired:EdDSA",
      "retired:EdDSA",
    ]);
    const ring = new KeyRing(second.keys);
    expect(ring.signingKey().alg).toBe("ES256");
    for (const record of second.keys)
      expect(ring.verificationKey(record.kid)?.alg).toBe(record.alg);
  });

  it("logs nobody out: refresh tokens signed before each of three rotations verify with the final ring", async () => {
    const clock = new ManualClock();
    const options = { alg: "EdDSA" as const, retentionSeconds: RETENTION };
    let keys = await firstStart(clock);
    const tokens: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      tokens.push(await refreshTokenFor(new KeyRing(keys), clock.now(), `jti-${round}`));
      clock.advance(HOUR);
      ({ keys } = await rotateKeySet(keys, { ...options, now: clock.now() }));
    }
    const ring = new KeyRing(keys);
    tokens.push(await refreshTokenFor(ring, clock.now(), "jti-now"));
    expect(new Set(tokens.map((token) => kidOf(token))).size).toBe(4);
    for (const [round, token] of tokens.entries()) {
      const result = await verifyToken(REFRESH_TOKEN, ring, TEST_CONFIG, token, clock.now(), 0);
      expect(result.ok, `token of round ${round}`).toBe(true);
    }
  });
});
