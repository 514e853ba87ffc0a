import { describe, expect, it } from "vitest";
import { IpRateLimiter } from "../../src/index.ts";

describe("the per-IP request budget", () => {
  it("allows `limit` requests per window per address, then says when the window reopens", () => {
    const limiter = new IpRateLimiter(3, 60_000);
    expect([0, 1, 2].map(() => limiter.hit("10.0.0.1", 1_000))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.hit("10.0.0.1", 2_000)).toBe(61_000);
    expect(limiter.hit("10.0.0.2", 2_000)).toBeUndefined();
    expect(limiter.hit("10.0.0.1", 61_000)).toBeUndefined();
  });

  it("remembers a bounded number of addresses", () => {
    const limiter = new IpRateLimiter(1, 60_000, 2);
    limiter.hit("a", 0);
    limiter.hit("b", 0);
    limiter.hit("c", 0);
    expect(limiter.hit("a", 1)).toBeUndefined();
  });
});
