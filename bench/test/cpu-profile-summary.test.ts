import { describe, expect, it } from "vitest";
import { type CpuProfile, summarizeCpuProfile } from "../src/report/cpu-profile-summary.ts";

const frame = (functionName: string, url = "", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

/**
 * root → handle (app) → sign (app) → run (native)
 *      → handle → handle (recursion)
 *      → (idle)
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 6] },
    {
      id: 2,
      callFrame: frame("handle", "file:///srv/app/src/http/handle.ts", 9),
      children: [3, 5],
    },
    { id: 3, callFrame: frame("sign", "file:///srv/app/src/tokens/sign.ts", 0), children: [4] },
    { id: 4, callFrame: frame("run") },
    { id: 5, callFrame: frame("handle", "file:///srv/app/src/http/handle.ts", 9) },
    { id: 6, callFrame: frame("(idle)") },
  ],
  samples: [4, 4, 3, 5, 2, 6, 6, 6],
  timeDeltas: [10, 10, 10, 10, 10, 500, 500, 500],
};

describe("summarizeCpuProfile", () => {
  const summary = summarizeCpuProfile(profile);
  const byFrame = Object.fromEntries(summary.top.map((f) => [f.frame, f]));

  it("counts only non-idle time, and ranks functions by self time", () => {
    expect(summary.busyUs).toBe(50);
    expect(summary.top.map((f) => f.frame)).toEqual([
      "run ← sign (src/tokens/sign.ts:1)",
      "handle (src/http/handle.ts:10)",
      "sign (src/tokens/sign.ts:1)",
    ]);
  });

  it("names a native function by its caller, and sums a function's self time over its stacks", () => {
    expect(byFrame["run ← sign (src/tokens/sign.ts:1)"]?.selfShare).toBeCloseTo(0.4);
    // Self in node 5 and in node 2: two samples of ten.
    expect(byFrame["handle (src/http/handle.ts:10)"]?.selfShare).toBeCloseTo(0.4);
  });

  it("counts a recursive function's total once per sample", () => {
    expect(byFrame["handle (src/http/handle.ts:10)"]?.totalShare).toBeCloseTo(1);
    expect(byFrame["sign (src/tokens/sign.ts:1)"]?.totalShare).toBeCloseTo(0.6);
  });

  it("keeps only the requested number of frames", () => {
    expect(summarizeCpuProfile(profile, 1).top).toHaveLength(1);
  });
});
