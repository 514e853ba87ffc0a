import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchmarksDoc, type RunFacts } from "./benchmarks-doc.ts";
import type { Section } from "./section.ts";
import { svgBarChart } from "./svg-bar-chart.ts";
import { svgLineChart } from "./svg-line-chart.ts";

const DOCS = fileURLToPath(new URL("../../../docs/", import.meta.url));
const SAVED = join(DOCS, "benchmarks.json");
const FINDINGS = fileURLToPath(new URL("./findings.md", import.meta.url));

/** What docs/benchmarks.json holds: the run the doc describes, and every section shown. */
export interface SavedRun {
  run: RunFacts;
  sections: Section[];
}

/**
 * What a run measured: the suite (`pnpm bench`), or sections measured apart
 * from it by a command of their own (`--soak`), which the suite leaves out.
 */
export type RunScope = "suite" | "apart";

/**
 * Writes docs/benchmarks.md (the run, the targets, every table, and the
 * hand-written findings), docs/benchmarks.svg (the chart), each section's
 * chart over time (docs/benchmarks-soak.svg) and docs/benchmarks.json (the
 * same figures as data, so the prose can be revised and the documents
 * rewritten with `--report` without measuring again). What the last runs
 * left there is merged with this run's sections, by `mergeRun`'s rule.
 */
export function writeDocs(run: RunFacts, sections: Section[], scope: RunScope = "suite"): void {
  const previous = existsSync(SAVED)
    ? (JSON.parse(readFileSync(SAVED, "utf8")) as SavedRun)
    : undefined;
  const saved = mergeRun(previous, run, sections, scope);
  writeFileSync(SAVED, `${JSON.stringify(saved, null, 2)}\n`);
  render(saved);
}

/**
 * The saved run after this one. A suite run replaces the last suite run's
 * sections but keeps the sections measured apart (the last soak), which it
 * did not run. A run apart replaces only its own sections, marked with its
 * command and date, and keeps everything else, the run facts too: "The run"
 * in the doc describes the suite run that measured the rest. Sections come
 * out in the issue's order whatever order they ran or were saved in.
 */
export function mergeRun(
  previous: SavedRun | undefined,
  run: RunFacts,
  sections: Section[],
  scope: RunScope,
): SavedRun {
  const apart = scope === "apart";
  const fresh = apart
    ? sections.map((section) => ({
        ...section,
        measuredApart: { command: run.command, date: run.date, seconds: run.seconds },
      }))
    : sections;
  const replaced = new Set(fresh.map((section) => section.number));
  const kept = (previous?.sections ?? []).filter(
    (section) => !replaced.has(section.number) && (apart || section.measuredApart !== undefined),
  );
  return {
    run: apart ? (previous?.run ?? run) : run,
    sections: inIssueOrder([...kept, ...fresh]),
  };
}

/** Rewrites the Markdown and the charts from docs/benchmarks.json. */
export function rewriteDocs(): void {
  render(JSON.parse(readFileSync(SAVED, "utf8")) as SavedRun);
}

/** By the item's leading number ("1–2" is item 1), stable among equals; unnumbered last. */
function inIssueOrder(sections: Section[]): Section[] {
  const item = (section: Section) => {
    const number = Number.parseInt(section.number, 10);
    return Number.isNaN(number) ? Number.MAX_SAFE_INTEGER : number;
  };
  return [...sections].sort((a, b) => item(a) - item(b));
}

function render({ run, sections }: SavedRun): void {
  const charts = sections.flatMap((section) => (section.chart ? [section.chart] : []));
  writeFileSync(join(DOCS, "benchmarks.svg"), svgBarChart("Sesame benchmarks", charts));
  for (const section of sections) {
    if (section.timeChart) {
      writeFileSync(join(DOCS, section.timeChart.file), svgLineChart(section.timeChart));
    }
  }
  const findings = readFileSync(FINDINGS, "utf8");
  writeFileSync(
    join(DOCS, "benchmarks.md"),
    benchmarksDoc(run, sections, "benchmarks.svg", findings),
  );
}
