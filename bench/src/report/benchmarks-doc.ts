import type { Machine } from "./machine.ts";
import type { Section } from "./section.ts";
import { markdownTable } from "./text-table.ts";

export interface RunFacts {
  machine: Machine;
  command: string;
  date: string;
  /** Wall time of the whole run, in seconds. */
  seconds: number;
  /** Cores other processes kept busy, on average, over the whole run. */
  othersCores: number | undefined;
  quick: boolean;
}

/** docs/benchmarks.md: the run, the targets at a glance, each item with its table and notes, then the findings. */
export function benchmarksDoc(
  run: RunFacts,
  sections: Section[],
  chartFile: string,
  findings: string,
): string {
  const targets = sections.flatMap((section) =>
    section.targets.map((t) => [
      section.number,
      t.target,
      t.measured,
      t.met ? "met" : "**missed**",
    ]),
  );
  const m = run.machine;
  const lines = [
    "# Benchmarks",
    "",
    "Sesame claims that checking a token is cheap enough to do on every request. These",
    "figures measure that claim, and what surrounds it, on one machine in one run:",
    "every comparison's baseline ran in the same run, so the ratios are what count.",
    "The suite is a script that prints numbers (`bench/`), not a test with time limits.",
    "",
    `![Benchmark chart](${chartFile})`,
    "",
    "## The run",
    "",
    `- Command: \`${run.command}\`${run.quick ? " (quick smoke run: short and small, figures are rough)" : ""}; a smoke run of every scenario is \`pnpm bench -- --quick\` (about a minute, prints only)`,
    "- The soak (10 minutes of mixed traffic) is not part of that command: `pnpm bench -- --soak` runs it alone and merges its section into these documents, keeping the rest (`--soak --quick`: one minute, prints only); a full run keeps the last soak's section in turn",
    `- Date: ${run.date}; wall time ${Math.round(run.seconds)} s`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memory}; ${m.os}`,
    `- Node ${m.node} (OpenSSL ${m.openssl})`,
    run.othersCores === undefined
      ? "- Other load on the machine: not measured"
      : `- Other processes on the machine kept ${run.othersCores.toFixed(2)} of ${m.cores} cores busy on average during the run.`,
    "",
    "Every server under test runs in its own child process; the load generator",
    "(autocannon, 50 connections unless said otherwise) runs in the bench process.",
    `With ${m.cores} cores the generator competes with the server for CPU, so absolute`,
    "figures are lower than on a machine where they are apart; ratios within the run",
    "are what the targets are stated in. Each load figure follows a discarded warm-up;",
    "the HTTP paths of items 1–3 and 9 are measured in interleaved rounds and the best",
    "round counts, because other processes can only slow a round down. The column",
    "`server CPU µs/req` is the CPU time of the server process (all its threads) per",
    "answered request, which moves less with other load on the machine than req/s does.",
    "",
    "## Targets",
    "",
    markdownTable({
      columns: ["item", "target", "this run", "status"],
      rows: targets,
      textColumns: 4,
    }),
    "",
  ];
  for (const section of sections) {
    lines.push(`## ${section.number}. ${section.title}`, "", section.method, "");
    if (section.measuredApart) {
      const { command, date, seconds } = section.measuredApart;
      lines.push(
        `Measured apart from the run above: \`${command}\` on ${date}, wall time ${Math.round(seconds)} s.`,
        "",
      );
    }
    if (section.timeChart) {
      lines.push(`![${section.timeChart.title}](${section.timeChart.file})`, "");
    }
    lines.push(markdownTable(section.table), "");
    for (const note of section.notes) lines.push(`- ${note}`);
    if (section.notes.length > 0) lines.push("");
  }
  lines.push(findings.trim(), "");
  return `${lines.join("\n").trimEnd()}\n`;
}
