import { describe, expect, it } from "vitest";
import { type SoakResult, type SoakSample, soakPlan } from "../src/scenarios/soak.ts";
import { soakSection } from "../src/scenarios/soak-section.ts";

const plan = soakPlan(false);
const tally = { requests: 5_000, errors: 0, p50: 1, p99: 10 };

/** A full soak's samples, every 5 s for 10 minutes, from what each figure does over time. */
function soak(shape: {
  rssMb: (seconds: number) => number;
  fds?: (seconds: number) => number;
  p99?: (seconds: number) => number;
  errors?: number;
}): SoakResult {
  const samples: SoakSample[] = [];
  for (
    let seconds = plan.sampleSeconds;
    seconds <= plan.endSeconds;
    seconds += plan.sampleSeconds
  ) {
    samples.push({
      seconds,
      ...tally,
      p99: shape.p99?.(seconds) ?? 10,
      rssBytes: shape.rssMb(seconds) * 1e6,
      openFds: shape.fds?.(seconds) ?? 40,
    });
  }
  const windows = Array.from({ length: plan.endSeconds / plan.windowSeconds }, (_, i) => ({
    endSeconds: (i + 1) * plan.windowSeconds,
    ...tally,
    requests: 60_000,
    errors: i === 5 ? (shape.errors ?? 0) : 0,
  }));
  return {
    plan,
    samples,
    windows,
    procedures: {
      "auth.login": tally,
      "user.me": tally,
      "auth.refresh": tally,
      "auth.logout": tally,
    },
    sessions: { begun: 10, ended: 10 },
    heapAfterGc: { warmup: 30e6, end: 31e6 },
    failures: [],
    serverCores: 0.5,
    databaseBytes: 5e6,
    othersCores: 0,
  };
}

const met = (result: SoakResult) =>
  Object.fromEntries(soakSection(result).targets.map((t) => [t.target.split(" ")[0], t.met]));

describe("soakSection", () => {
  it("meets every target on a run that levels off during warm-up", () => {
    const level = soak({ rssMb: (s) => Math.min(120, 60 + s / 2) });
    expect(met(level)).toEqual({ RSS: true, open: true, p99: true, "0": true });
  });

  it("misses the RSS target on a leak, the FD target on leaking sockets, p99 on a slowdown", () => {
    expect(met(soak({ rssMb: (s) => 100 + s / 30 })).RSS).toBe(false);
    expect(met(soak({ rssMb: () => 100, fds: (s) => 40 + Math.floor(s / 60) })).open).toBe(false);
    expect(met(soak({ rssMb: () => 100, p99: (s) => 10 + s / 30 })).p99).toBe(false);
    expect(met(soak({ rssMb: () => 100, errors: 1 }))["0"]).toBe(false);
  });

  it("shows the windows, the measured figures and a chart with the warm-up marked", () => {
    const section = soakSection(soak({ rssMb: (s) => 100 + s / 30 }));
    expect(section.table.rows).toHaveLength(10);
    expect(section.table.rows[0]?.[0]).toBe("0:00–1:00 (warm-up)");
    expect(section.table.rows[2]?.[0]).toBe("2:00–3:00");
    expect(section.targets[0]?.measured).toMatch(/^10\d\.\d MB → 11\d\.\d MB \(\+\d+\.\d%\)$/);
    expect(section.timeChart?.file).toBe("benchmarks-soak.svg");
    expect(section.timeChart?.markers).toEqual([{ seconds: 120, label: "warm-up ends" }]);
    expect(section.timeChart?.panels.map((p) => p.points.length)).toEqual([120, 120, 120]);
    expect(section.method).toContain("first 2 minutes are warm-up");
  });
});
