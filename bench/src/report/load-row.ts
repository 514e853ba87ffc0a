import type { LoadResult } from "../load/load-test.ts";
import { formatCount, formatMicros, formatMs, formatRatio } from "./format.ts";

/** Columns of a table of load results; `ratioTo` names the baseline of the last column. */
export const loadColumns = (ratioTo: string) => [
  "variant",
  "req/s",
  "p50 ms",
  "p99 ms",
  "server CPU µs/req",
  `× ${ratioTo}`,
];

/** One table row for a load result; failures, if any, are named in the label. */
export function loadRow(label: string, result: LoadResult, baseline?: LoadResult): string[] {
  const failures = result.failures > 0 ? ` (${formatCount(result.failures)} failed)` : "";
  return [
    label + failures,
    formatCount(result.rps),
    formatMs(result.p50),
    formatMs(result.p99),
    result.serverCpuUs === undefined ? "–" : formatMicros(result.serverCpuUs),
    baseline ? formatRatio(result.rps / baseline.rps) : "",
  ];
}
