import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchmarksDoc, type RunFacts } from "./benchmarks-doc.ts";
import type { Section } from "./section.ts";
import { svgBarChart } from "./svg-bar-chart.ts";

const DOCS = fileURLToPath(new URL("../../../docs/", import.meta.url));
const FINDINGS = fileURLToPath(new URL("./findings.md", import.meta.url));
/** The order, whatever order the scenarios ran in. */
const ORDER = ["1–2", "3", "4", "5", "6", "7", "8", "9"];

interface SavedRun {
  run: RunFacts;
  sections: Section[];
}

/**
 * Writes docs/benchmarks.md (the run, the targets, every table, and the
 * hand-written findings), docs/benchmarks.svg (the chart) and
 * docs/benchmarks.json (the same figures as data, so the prose can be
 * revised and the documents rewritten with `--report` without measuring again).
 */
export function writeDocs(run: RunFacts, sections: Section[]): void {
  const ordered = [...sections].sort((a, b) => ORDER.indexOf(a.number) - ORDER.indexOf(b.number));
  const saved: SavedRun = { run, sections: ordered };
  writeFileSync(join(DOCS, "benchmarks.json"), `${JSON.stringify(saved, null, 2)}\n`);
  render(saved);
}

/** Rewrites the Markdown and the chart from docs/benchmarks.json. */
export function rewriteDocs(): void {
  render(JSON.parse(readFileSync(join(DOCS, "benchmarks.json"), "utf8")) as SavedRun);
}

function render({ run, sections }: SavedRun): void {
  const charts = sections.flatMap((section) => (section.chart ? [section.chart] : []));
  writeFileSync(join(DOCS, "benchmarks.svg"), svgBarChart("Sesame benchmarks", charts));
  const findings = readFileSync(FINDINGS, "utf8");
  writeFileSync(
    join(DOCS, "benchmarks.md"),
    benchmarksDoc(run, sections, "benchmarks.svg", findings),
  );
}
