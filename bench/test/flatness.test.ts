import { describe, expect, it } from "vitest";
import { isFlat, windowChange } from "../src/report/flatness.ts";

/** Ten minutes sampled every 5 s, judged after a 2-minute warm-up on its first and last minutes. */
const windows = { warmupSeconds: 120, windowSeconds: 60, endSeconds: 600 };
const sampled = (value: (seconds: number) => number) =>
  Array.from({ length: 120 }, (_, i) => {
    const seconds = (i + 1) * 5;
    return { seconds, value: value(seconds) };
  });

describe("windowChange", () => {
  it("finds a leak: steady growth after warm-up is more than 5% by the end", () => {
    // 100 MB growing 2 MB a minute: the shape of a slow leak.
    const leak = sampled((s) => 100 + (2 * s) / 60);
    const change = windowChange(leak, windows);
    expect(change?.ratio).toBeGreaterThan(1.05);
    expect(isFlat(change, 1.05)).toBe(false);
  });

  it("passes a level series that climbed during warm-up and wobbles after it", () => {
    // Caches filling for a minute, then ±2% noise around 120 MB.
    const level = sampled((s) => (s < 60 ? 60 + s : 120) * (1 + 0.02 * Math.sin(s)));
    const change = windowChange(level, windows);
    expect(change?.first).toBeCloseTo(120, -1);
    expect(change?.ratio).toBeGreaterThan(0.97);
    expect(change?.ratio).toBeLessThan(1.03);
    expect(isFlat(change, 1.05)).toBe(true);
  });

  it("is not decided by one sample: a spike in the last minute is outvoted by the median", () => {
    const spiky = sampled((s) => (s === 595 ? 500 : 20));
    expect(windowChange(spiky, windows)?.ratio).toBe(1);
  });

  it("compares the first window after warm-up, not the warm-up itself", () => {
    // High during warm-up only: a judge that looked at the start would call this shrinking.
    const change = windowChange(
      sampled((s) => (s <= 120 ? 400 : 100)),
      windows,
    );
    expect(change).toEqual({ first: 100, last: 100, ratio: 1 });
    // A sample exactly at the end of warm-up closes a warm-up interval and does not count.
    expect(
      windowChange(
        [
          { seconds: 120, value: 1 },
          { seconds: 125, value: 10 },
          { seconds: 600, value: 10 },
        ],
        windows,
      )?.first,
    ).toBe(10);
  });

  it("takes the median of an even number of samples as the mean of the middle two", () => {
    const change = windowChange(
      [
        { seconds: 130, value: 1 },
        { seconds: 140, value: 3 },
        { seconds: 590, value: 4 },
      ],
      windows,
    );
    expect(change).toEqual({ first: 2, last: 4, ratio: 2 });
  });

  it("judges nothing when a window has no samples, and counts that as not flat", () => {
    const short = [{ seconds: 130, value: 1 }];
    expect(windowChange(short, windows)).toBeUndefined();
    expect(isFlat(undefined, 1.05)).toBe(false);
  });
});
