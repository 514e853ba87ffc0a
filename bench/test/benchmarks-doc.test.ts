import { describe, expect, it } from "vitest";
import { benchmarksDoc } from "../src/report/benchmarks-doc.ts";
import type { Section } from "../src/report/section.ts";

const run = {
  machine: { cpu: "cpu", cores: 2, memory: "1 GiB", node: "v20", openssl: "3", os: "linux" },
  command: "pnpm bench",
  date: "2026-12-01",
  seconds: 300,
  othersCores: undefined,
  quick: false,
};

const soak: Section = {
  number: "11",
  title: "Soak",
  method: "Mixed traffic.",
  table: { columns: ["window", "req/s"], rows: [["0:00–1:00", "1,000"]] },
  targets: [{ target: "0 errors", measured: "0 of 10 requests", met: true }],
  notes: [],
  timeChart: { file: "benchmarks-soak.svg", title: "Soak over time", markers: [], panels: [] },
  measuredApart: { command: "pnpm bench -- --soak", date: "2026-12-02", seconds: 612 },
};

describe("benchmarksDoc", () => {
  const doc = benchmarksDoc(run, [soak], "benchmarks.svg", "## Findings");

  it("links a section's chart over time and says which run measured a section apart", () => {
    const body = doc.slice(doc.indexOf("## 11. Soak"));
    expect(body).toContain("![Soak over time](benchmarks-soak.svg)");
    expect(body).toContain(
      "Measured apart from the run above: `pnpm bench -- --soak` on 2026-12-02, wall time 612 s.",
    );
  });

  it("documents --soak in the run's text, next to --quick", () => {
    const theRun = doc.slice(doc.indexOf("## The run"), doc.indexOf("## Targets"));
    expect(theRun).toContain("`pnpm bench -- --quick`");
    expect(theRun).toContain("`pnpm bench -- --soak`");
    expect(theRun).toContain("`--soak --quick`");
  });

  it("lists the soak's targets with the others", () => {
    expect(doc).toMatch(/\| 11 \| 0 errors \| 0 of 10 requests \| met \|/);
  });
});
