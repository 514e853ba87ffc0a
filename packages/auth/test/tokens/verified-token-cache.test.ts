import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "../../src/tokens/verified-token-cache.ts";

describe("VerifiedTokenCache", () => {
  it("answers a cached token only until its own deadline", () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set("t", "claims", 1_000);
    expect(cache.get("t", 999)).toBe("claims");
    expect(cache.get("t", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("drops the oldest entry when full", () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set("a", 1, 10_000);
    cache.set("b", 2, 10_000);
    cache.set("c", 3, 10_000);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)).toBe(2);
    expect(cache.get("c", 0)).toBe(3);
  });

  it("keeps nothing with a size of 0, so the cache can be turned off", () => {
    const cache = new VerifiedTokenCache<number>(0);
    cache.set("a", 1, 10_000);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
