import { describe, expect, it } from "vitest";
import { combineLoads, type LoadResult } from "../src/load/load-test.ts";

const run = (rps: number, p50: number, p99: number, serverCpuUs?: number): LoadResult => ({
  rps,
  p50,
  p99,
  failures: 1,
  non2xx: { "401": 1 },
  errors: 0,
  total: rps * 2,
  serverCpuUs,
});

describe("combineLoads", () => {
  it("answers a single run as it is", () => {
    const only = run(100, 1, 2, 50);
    expect(combineLoads([only])).toBe(only);
  });

  it("adds up simultaneous runs, weights the CPU per request by requests served, keeps the worst latency", () => {
    expect(combineLoads([run(100, 1, 9, 50), run(300, 3, 4, 10)])).toEqual({
      rps: 400,
      p50: 3,
      p99: 9,
      failures: 2,
      non2xx: { "401": 2 },
      errors: 0,
      total: 800,
      serverCpuUs: 20,
    });
  });

  it("knows no CPU per request when one run does not", () => {
    expect(combineLoads([run(100, 1, 2, 50), run(100, 1, 2)]).serverCpuUs).toBeUndefined();
  });
});
