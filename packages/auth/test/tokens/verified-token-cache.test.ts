import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "../../src/tokens/verified-token-cache.ts";

describe("VerifiedTokenCache", () => {
  it("answers a cached token only until its own deadline", () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set("t", "claims", 1_000, 0);
    expect(cache.get("t", 999)).toBe("claims");
    expect(cache.get("t", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("drops the oldest entry when full", () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set("a", 1, 10_000, 0);
    cache.set("b", 2, 10_000, 0);
    cache.set("c", 3, 10_000, 0);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)).toBe(2);
    expect(cache.get("c", 0)).toBe(3);
  });

  it("lets expired tokens go as new ones come, not only when full", () => {
    const cache = new VerifiedTokenCache<number>(100);
    cache.set("a", 1, 1_000, 0);
    cache.set("b", 2, 2_000, 500);
    cache.set("c", 3, 3_000, 1_000);
    expect(cache.size).toBe(2);
    cache.set("d", 4, 4_000, 2_500);
    expect(cache.size).toBe(2);
    expect(cache.get("c", 2_500)).toBe(3);
    expect(cache.get("d", 2_500)).toBe(4);
  });

  it("sweeps only up to the first live entry, so an insertion costs no scan of the whole cache", () => {
    const cache = new VerifiedTokenCache<number>(100);
    cache.set("long", 1, 10_000, 0);
    cache.set("short", 2, 1_000, 0);
    cache.set("new", 3, 20_000, 5_000);
    // "short" expired but waits behind "long"; a lookup still refuses it.
    expect(cache.size).toBe(3);
    expect(cache.get("short", 5_000)).toBeUndefined();
    cache.set("newer", 4, 20_000, 10_000);
    expect(cache.size).toBe(2);
  });

  it("keeps nothing with a size of 0, so the cache can be turned off", () => {
    const cache = new VerifiedTokenCache<number>(0);
    cache.set("a", 1, 10_000, 0);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
