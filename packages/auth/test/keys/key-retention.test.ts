import { describe, expect, it } from "vitest";
import {
  AUTH_DEFAULTS,
  generateSigningKey,
  pruneRetiredKeys,
  retiredKeyDropsAt,
  retiredKeyRetention,
} from "../../src/index.ts";

describe("retiredKeyRetention", () => {
  it("is the session idle limit plus the clock tolerance with the defaults", () => {
    expect(retiredKeyRetention(AUTH_DEFAULTS)).toBe(7 * 24 * 60 * 60 + 30);
  });

  it("never drops a key while an access token it signed can live longer", () => {
    const config = { ...AUTH_DEFAULTS, accessTokenTtl: 8 * 24 * 60 * 60 };
    expect(retiredKeyRetention(config)).toBe(8 * 24 * 60 * 60 + 30);
  });

  it("is bounded by the absolute session lifetime when that is shorter than the idle one", () => {
    const config = { ...AUTH_DEFAULTS, sessionIdleTtl: 7200, sessionAbsoluteTtl: 3600 };
    expect(retiredKeyRetention(config)).toBe(3600 + 30);
  });
});

describe("pruneRetiredKeys", () => {
  it("drops only retired keys whose retention has ended, keeping keys of unknown retirement", async () => {
    const now = Date.UTC(2026, 0, 10);
    const current = await generateSigningKey("EdDSA", "current", now);
    const next = await generateSigningKey("EdDSA", "next", now);
    const old = {
      ...(await generateSigningKey("EdDSA", "retired", now)),
      retiredAt: now - 100_000,
    };
    const recent = {
      ...(await generateSigningKey("EdDSA", "retired", now)),
      retiredAt: now - 99_999,
    };
    const unknown = await generateSigningKey("EdDSA", "retired", now);

    expect(retiredKeyDropsAt(old, 100)).toBe(now);
    expect(retiredKeyDropsAt(current, 100)).toBeUndefined();
    expect(retiredKeyDropsAt(unknown, 100)).toBeUndefined();

    const { kept, dropped } = pruneRetiredKeys([current, next, old, recent, unknown], now, 100);
    expect(dropped.map((k) => k.kid)).toEqual([old.kid]);
    expect(kept.map((k) => k.kid)).toEqual([current.kid, next.kid, recent.kid, unknown.kid]);
  });
});
