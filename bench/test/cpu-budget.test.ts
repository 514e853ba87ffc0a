import { describe, expect, it } from "vitest";
import { cpuBudget, cpuBudgetNote } from "../src/report/cpu-budget.ts";

/** Ten seconds of 5,000 requests on 2 cores: 1.9 cores busy, the server 1.2 s, the generator 0.4 s. */
const spent = {
  machineUs: 19_000_000,
  generatorUs: 4_000_000,
  serverUs: 12_000_000,
  served: 5_000,
  seconds: 10,
};

describe("cpuBudget", () => {
  it("splits the machine's CPU per request among the server, the generator and the rest", () => {
    const budget = cpuBudget(spent, 2);
    expect(budget?.serverUs).toBe(2400);
    expect(budget?.generatorUs).toBe(800);
    expect(budget?.restUs).toBe(600);
    expect(budget?.totalUs).toBe(3800);
    expect(budget?.busyCores).toBeCloseTo(1.9);
    // 2 cores ÷ 3.8 ms a request.
    expect(budget?.ceiling).toBeCloseTo(526.3, 1);
  });

  it("says a run with (nearly) every core busy was bound by the cores, and one with room was not", () => {
    expect(cpuBudgetNote("run", spent, "the database", 2)).toContain("bound by the cores");
    const idle = { ...spent, machineUs: 10_000_000, generatorUs: 2_000_000, serverUs: 6_000_000 };
    const note = cpuBudgetNote("run", idle, "the database", 2);
    expect(note).toContain("1.00 of");
    expect(note).not.toContain("bound by the cores");
  });

  it("answers nothing for a run that served nothing", () => {
    expect(cpuBudget({ ...spent, served: 0 }, 2)).toBeUndefined();
    expect(cpuBudgetNote("run", undefined, "the database")).toBe("");
  });
});
