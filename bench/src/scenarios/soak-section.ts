import { PAGE_CACHE_KIB } from "@sesame/db";
import { median } from "../micro/time-per-op.ts";
import { isFlat, type WindowChange, windowChange } from "../report/flatness.ts";
import { formatBytes, formatCount, formatMs, formatRatio } from "../report/format.ts";
import type { Section, TimePoint } from "../report/section.ts";
import { clock, type SoakResult } from "./soak.ts";
import { SOAK_PROCEDURES } from "./soak-recorder.ts";

/** The issue's bounds: RSS and descriptors under 5% growth after warm-up, p99 under 1.5× its early value. */
const MAX_GROWTH = 1.05;
const MAX_P99_RATIO = 1.5;
/** Where the soak's chart goes, next to docs/benchmarks.md. */
export const SOAK_CHART_FILE = "benchmarks-soak.svg";

const MB = 1e6;

/** Item 11: the soak, its windows as a table, the flatness targets, and its chart over time. */
export function soakSection(result: SoakResult): Section {
  const { plan, samples, windows } = result;
  const series = (pick: (sample: SoakResult["samples"][number]) => number): TimePoint[] =>
    samples.map((sample) => ({ seconds: sample.seconds, value: pick(sample) }));
  const rss = series((s) => s.rssBytes / MB);
  const fds = series((s) => s.openFds);
  const rssChange = windowChange(rss, plan);
  const fdChange = windowChange(fds, plan);
  // The same rule as RSS: a median of the intervals' p99s, so a few seconds of
  // other work on the machine cannot decide it, while a lasting slowdown does.
  const p99 = series((s) => s.p99);
  const p99Change = windowChange(p99, plan);
  const requests = windows.reduce((sum, w) => sum + w.requests, 0);
  const errors = windows.reduce((sum, w) => sum + w.errors, 0);
  const length = duration(plan.endSeconds);
  // "the last minute", or in a quick soak "the last 15 s".
  const window = plan.windowSeconds === 60 ? "minute" : duration(plan.windowSeconds);
  const judged = samples.filter((s) => s.seconds > plan.warmupSeconds);
  const within = (end: number) =>
    samples.filter((s) => s.seconds > end - plan.windowSeconds && s.seconds <= end);

  const notes = [
    `After warm-up: ${SOAK_PROCEDURES.map((procedure) => {
      const tally = result.procedures[procedure];
      return `\`${procedure}\` ${formatCount(tally.requests)} (p50 ${formatMs(tally.p50)} ms, p99 ${formatMs(tally.p99)} ms${tally.errors > 0 ? `, ${tally.errors} failed` : ""})`;
    }).join(", ")}.`,
    `${formatCount(result.sessions.begun)} sessions begun and ${formatCount(result.sessions.ended)} ended by logout over the run; the database file and its WAL held ${formatBytes(result.databaseBytes)} at the end.`,
    `RSS between samples after warm-up: ${rangeOf(
      judged.map((s) => s.rssBytes / MB),
      "MB",
    )}; open FDs ${rangeOf(
      judged.map((s) => s.openFds),
      "",
    )}. RSS is read as it stands, without a collection first, so it moves with garbage not yet collected and memory freed but not yet returned to the OS; the medians compared smooth that out.`,
    `V8 heap in use after a full collection: ${formatBytes(result.heapAfterGc.warmup)} halfway through warm-up, ${formatBytes(result.heapAfterGc.end)} at the end.`,
    `The server kept ${result.serverCores.toFixed(2)} cores busy on average after warm-up (all its threads); the clients run in the bench process on the same cores.`,
  ];
  if (result.othersCores !== undefined) {
    notes.push(
      `Other processes kept ${result.othersCores.toFixed(2)} cores busy on average during the soak.`,
    );
  }
  for (const { failure, count } of result.failures) notes.push(`Failed ${count}×: ${failure}`);
  if (plan.endSeconds < 600) {
    notes.push(
      `A short soak (${length}, judged on ${window} windows): a smoke run of the scenario, too short to show a slow leak.`,
    );
  }

  return {
    number: "11",
    title: `Soak: ${length} of mixed traffic (logins, user.me, refreshes, logouts)`,
    method: [
      `${plan.clients} clients on 127.0.0.1, each a user with its own account, visit after visit, each visit on a new keep-alive connection: \`auth.login\` (body transport), ${plan.behaviour.usesPerVisit.join("–")} \`user.me\` with the access token as bearer, an \`auth.refresh\` after ${formatShare(plan.behaviour.refreshShare)} of them (its tokens used from then on), then \`auth.logout\`; 0–${2 * plan.behaviour.thinkMs} ms of pause before each request, so the load is steady and short of saturation.`,
      `Every ${plan.sampleSeconds} s the bench reads the server's RSS (no collection forced), counts the entries of /proc/<pid>/fd, and takes the p50 and p99 of the requests answered since the previous sample.`,
      `The server runs with ACCESS_TOKEN_TTL=${plan.accessTokenTtlSeconds} s, so the revoked sessions it holds in memory (each for an access token's lifetime plus the 30 s clock tolerance) reach their steady number within the warm-up; under the default 10 minutes that set would grow for the whole soak, as it should, and pass for a leak.`,
      `The database holds ${formatCount(plan.seededAccounts)} accounts at the start (the clients' among them), more than the server's page cache of ${formatCount(PAGE_CACHE_KIB)} KiB per connection, and the server reads every page once before the traffic starts, so that cache is full from the first minute, as on a server up for a while; on a new, small file it would fill as the file grows, by up to its bound over the soak, and pass for a leak.`,
      `The first ${duration(plan.warmupSeconds)} are warm-up. RSS and open FDs are flat when the median of the samples of the last ${window} is under ${formatRatio(MAX_GROWTH)} the median of the first ${window} after warm-up (less than 5% growth); p99 is flat when the median of the ${plan.sampleSeconds} s intervals' p99s in the last ${window} is under ${formatRatio(MAX_P99_RATIO)} that in the first ${window} after warm-up (the table's p99 is of all requests of each window). An error is any answer but a 200, a socket error, or no answer in 30 s.`,
    ].join(" "),
    table: {
      columns: ["window", "req/s", "errors", "p50 ms", "p99 ms", "RSS MB", "open FDs"],
      rows: windows.map((w) => {
        const inWindow = within(w.endSeconds);
        const start = w.endSeconds - plan.windowSeconds;
        return [
          `${clock(start)}–${clock(w.endSeconds)}${w.endSeconds <= plan.warmupSeconds ? " (warm-up)" : ""}`,
          formatCount(w.requests / plan.windowSeconds),
          formatCount(w.errors),
          formatMs(w.p50),
          formatMs(w.p99),
          median(inWindow.map((s) => s.rssBytes / MB)).toFixed(1),
          formatCount(median(inWindow.map((s) => s.openFds))),
        ];
      }),
    },
    targets: [
      {
        target: "RSS flat after warm-up (< 5% growth)",
        measured: change(rssChange, (mb) => `${mb.toFixed(1)} MB`),
        met: isFlat(rssChange, MAX_GROWTH),
      },
      {
        target: "open file descriptors flat after warm-up (< 5% growth)",
        measured: change(fdChange, (count) => formatCount(count)),
        met: isFlat(fdChange, MAX_GROWTH),
      },
      {
        target: `p99 flat (last ${window} < ${formatRatio(MAX_P99_RATIO)} the first ${window} after warm-up)`,
        measured: change(p99Change, (ms) => `${formatMs(ms)} ms`, "ratio"),
        met: isFlat(p99Change, MAX_P99_RATIO),
      },
      {
        target: "0 errors",
        measured: `${formatCount(errors)} of ${formatCount(requests)} requests`,
        met: errors === 0 && requests > 0,
      },
    ],
    notes,
    timeChart: {
      file: SOAK_CHART_FILE,
      title: `Soak: ${plan.clients} clients of mixed traffic for ${length}`,
      markers: [{ seconds: plan.warmupSeconds, label: "warm-up ends" }],
      panels: [
        { title: "Server RSS", unit: "MB", points: rss },
        { title: "Open file descriptors", unit: "count", points: fds },
        {
          title: `p99 latency per ${plan.sampleSeconds} s`,
          unit: "ms",
          points: p99,
        },
      ],
    },
  };
}

/** "98.1 → 99.0 MB (+0.9%)", or with "ratio" "12 → 13 ms (1.08×)". */
function change(
  measured: WindowChange | undefined,
  format: (value: number) => string,
  as: "growth" | "ratio" = "growth",
): string {
  if (!measured) return "not judged: the run was too short";
  const { first, last, ratio } = measured;
  const growth = (ratio - 1) * 100;
  const relative =
    as === "ratio" ? formatRatio(ratio) : `${growth >= 0 ? "+" : ""}${growth.toFixed(1)}%`;
  return `${format(first)} → ${format(last)} (${relative})`;
}

/** "176.0–201.3 MB": the lowest and highest of a series. */
function rangeOf(values: number[], unit: string): string {
  if (values.length === 0) return "none";
  const digits = unit === "MB" ? 1 : 0;
  const low = Math.min(...values).toFixed(digits);
  const high = Math.max(...values).toFixed(digits);
  return `${low === high ? low : `${low}–${high}`}${unit ? ` ${unit}` : ""}`;
}

/** 600 → "10 minutes", 60 → "1 minute", 15 → "15 s". */
function duration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} s`;
  const minutes = seconds / 60;
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** 0.1 → "one in ten"; otherwise a percentage. */
function formatShare(share: number): string {
  const oneIn = 1 / share;
  return Number.isInteger(oneIn) ? `one in ${oneIn}` : `${Math.round(share * 100)}%`;
}
