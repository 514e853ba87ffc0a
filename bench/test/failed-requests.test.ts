import { describe, expect, it } from "vitest";
import { allServed, describeFailures, failureNotes } from "../src/load/failure-report.ts";
import { failedRequests, type LoadResult } from "../src/load/load-test.ts";
import { fasterPeer, ratioTarget } from "../src/scenarios/request-sections.ts";

const run = (rps: number, failed: Partial<LoadResult> = {}): LoadResult => ({
  rps,
  p50: 1,
  p99: 2,
  failures: 0,
  non2xx: {},
  errors: 0,
  total: rps,
  ...failed,
});

const refused = run(5000, { failures: 15, non2xx: { "401": 12 }, errors: 3, total: 5015 });

describe("failedRequests", () => {
  it("counts every answer outside 2xx by status, and every request without an answer", () => {
    expect(
      failedRequests({
        errors: 3,
        non2xx: 14,
        statusCodeStats: { "200": { count: 900 }, "401": { count: 12 }, "503": { count: 2 } },
      }),
    ).toEqual({ failures: 17, non2xx: { "401": 12, "503": 2 }, errors: 3 });
  });

  it("keeps non-2xx answers autocannon did not name by status", () => {
    expect(failedRequests({ errors: 0, non2xx: 4, statusCodeStats: {} })).toEqual({
      failures: 4,
      non2xx: { other: 4 },
      errors: 0,
    });
  });

  it("finds nothing in a run that was answered 2xx throughout", () => {
    expect(
      failedRequests({ errors: 0, non2xx: 0, statusCodeStats: { "200": { count: 10 } } }),
    ).toEqual({ failures: 0, non2xx: {}, errors: 0 });
  });
});

describe("the failure report", () => {
  it("says what a run failed on, and nothing of a clean run", () => {
    expect(describeFailures(refused)).toBe(
      "12 answered 401, 3 got no answer (socket error or timeout)",
    );
    expect(describeFailures(run(100))).toBeUndefined();
  });

  it("writes a note for each run that failed, none for the clean ones", () => {
    const notes = failureNotes({ clean: run(100), "get-session": refused });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^get-session: 12 answered 401.* of 5,015 measured requests/);
  });

  it("counts a set of runs as served only when none failed", () => {
    expect(allServed(run(1), run(2))).toBe(true);
    expect(allServed(run(1), refused)).toBe(false);
  });
});

describe("ratioTarget", () => {
  it("is met by a ratio at or above the target when every run served every request", () => {
    expect(ratioTarget("≥ 3×", 3, 3, [run(300), run(100)])).toEqual({
      target: "≥ 3×",
      measured: "3.00×",
      met: true,
    });
    expect(ratioTarget("≥ 3×", 2.99, 3, [run(299), run(100)]).met).toBe(false);
  });

  it("is missed, and says why, when a run failed requests, however high the ratio", () => {
    const target = ratioTarget("≥ 3×", 50, 3, [refused, run(100)]);
    expect(target.met).toBe(false);
    expect(target.measured).toBe(
      "50.0× (requests failed: 12 answered 401, 3 got no answer (socket error or timeout))",
    );
  });
});

describe("fasterPeer", () => {
  it("takes whichever of better-auth's two runs served more requests per second", () => {
    const defaults = run(800);
    const cookieCache = run(2000);
    expect(fasterPeer({ defaults, cookieCache })).toBe(cookieCache);
    expect(fasterPeer({ defaults: cookieCache, cookieCache: defaults })).toBe(cookieCache);
  });
});
