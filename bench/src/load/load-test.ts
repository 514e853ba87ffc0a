import autocannon from "autocannon";
import { machineBusyMicros } from "../report/cpu-meter.ts";

/** What one load run measured: only 2xx responses count as served requests. */
export interface LoadResult {
  /** 2xx responses per second over the measured window. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Requests that failed: `errors` plus every answer in `non2xx`. */
  failures: number;
  /**
   * Answers outside 2xx, by status ("401" → 12). A refused request is no
   * throughput: it counts here, never in `rps`, and a section with any of
   * them says so.
   */
  non2xx: Record<string, number>;
  /** Requests that got no answer: socket errors and timeouts. */
  errors: number;
  total: number;
  /**
   * CPU time the server process spent per served request (all its threads),
   * when the spec names the server. Unlike requests/s it hardly depends on
   * what else the machine is doing.
   */
  serverCpuUs?: number;
  /** How the server's own counters moved during the measured run. */
  serverCounters?: Record<string, number>;
  /** The server's event-loop delay during the measured run (ms). */
  serverLoopDelay?: { p50: number; p99: number; max: number };
  /** Where the machine's CPU went during the measured run (cpu-budget.ts). */
  cpu?: CpuSpent;
}

/**
 * CPU time spent during a measured run, in µs: by the whole machine (from
 * /proc/stat), by the bench process (the load generator, every thread) and
 * by the server. What is left is everything else, a database server
 * included.
 */
export interface CpuSpent {
  machineUs: number;
  generatorUs: number;
  serverUs: number;
  /** Requests served while it was spent, and over how many seconds. */
  served: number;
  seconds: number;
}

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds of measurement. */
  duration: number;
  /** Seconds of load before measuring, whose results are discarded (JIT, caches, connection setup). */
  warmup: number;
  /** Caps the whole generator at this many requests per second (a light probe, not a load). */
  overallRate?: number;
  /**
   * Per-connection setup, given the connection's index (0…connections-1) in each
   * run: give every connection its own token, or its own request sequence.
   */
  setupClient?: (client: autocannon.Client, index: number) => void;
  /** The server under test, to read its CPU time around the measured run. */
  server?: {
    stats(): Promise<{
      cpuMicros: number;
      counters: Record<string, number>;
      loopDelay: { p50: number; p99: number; max: number };
    }>;
  };
}

/**
 * Runs autocannon in this process against a server in another process. A
 * warm-up run comes first and is thrown away; the measured run is bounded in
 * time, so every scenario ends on its own.
 */
export async function loadTest(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmup > 0) await runOnce(spec, spec.warmup);
  const cpuBefore = await spec.server?.stats();
  const machineBefore = machineBusyMicros();
  const generatorBefore = process.cpuUsage();
  const result = await runOnce(spec, spec.duration);
  const generator = process.cpuUsage(generatorBefore);
  const machineAfter = machineBusyMicros();
  const cpuAfter = await spec.server?.stats();
  const served = result["2xx"];
  const failed = failedRequests(result);
  return {
    rps: served / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...failed,
    total: served + failed.failures,
    serverCpuUs:
      cpuBefore && cpuAfter && served > 0
        ? (cpuAfter.cpuMicros - cpuBefore.cpuMicros) / served
        : undefined,
    serverCounters:
      cpuBefore && cpuAfter
        ? Object.fromEntries(
            Object.entries(cpuAfter.counters).map(([name, value]) => [
              name,
              value - (cpuBefore.counters[name] ?? 0),
            ]),
          )
        : undefined,
    serverLoopDelay: cpuAfter?.loopDelay,
    cpu:
      cpuBefore && cpuAfter && machineBefore !== undefined && machineAfter !== undefined
        ? {
            machineUs: machineAfter - machineBefore,
            generatorUs: generator.user + generator.system,
            serverUs: cpuAfter.cpuMicros - cpuBefore.cpuMicros,
            served,
            seconds: result.duration,
          }
        : undefined,
  };
}

/**
 * What autocannon counted as not served: every answer outside 2xx, by
 * status, and every request without an answer. autocannon's `errors` already
 * include its `timeouts`; its `non2xx` is the sum of the by-status counts, so
 * the two must agree (a status it counted but did not name is kept as "other").
 */
export function failedRequests(
  result: Pick<autocannon.Result, "errors" | "non2xx" | "statusCodeStats">,
): Pick<LoadResult, "failures" | "non2xx" | "errors"> {
  const non2xx: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    const count = stats?.count ?? 0;
    if (!status.startsWith("2") && count > 0) non2xx[status] = count;
  }
  const named = Object.values(non2xx).reduce((sum, count) => sum + count, 0);
  if (result.non2xx > named) non2xx.other = result.non2xx - named;
  return { failures: result.errors + result.non2xx, non2xx, errors: result.errors };
}

/**
 * Several load runs that ran at the same time (one per server node) as one:
 * requests/s, failures and totals add up, the server CPU per request is the
 * mean weighted by requests served, and the latency percentiles are the worst
 * node's (an upper bound: the histograms themselves are not merged).
 */
export function combineLoads(results: LoadResult[]): LoadResult {
  const [only] = results;
  if (results.length === 1 && only) return only;
  const sum = (pick: (r: LoadResult) => number) => results.reduce((a, r) => a + pick(r), 0);
  const served = sum((r) => r.rps);
  const cpuKnown = results.every((r) => r.serverCpuUs !== undefined);
  return {
    rps: served,
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    failures: sum((r) => r.failures),
    non2xx: addCounts(results.map((r) => r.non2xx)),
    errors: sum((r) => r.errors),
    total: sum((r) => r.total),
    serverCpuUs:
      cpuKnown && served > 0 ? sum((r) => (r.serverCpuUs ?? 0) * r.rps) / served : undefined,
    cpu: combineCpu(results.map((r) => r.cpu)),
  };
}

/**
 * Runs at the same time share one machine and one generator process, so
 * each saw the same machine-wide and generator time (their mean counts
 * once), while every server's own time and requests add up.
 */
function combineCpu(spent: (CpuSpent | undefined)[]): CpuSpent | undefined {
  const known = spent.filter((s): s is CpuSpent => s !== undefined);
  if (known.length === 0 || known.length !== spent.length) return undefined;
  const mean = (pick: (s: CpuSpent) => number) =>
    known.reduce((a, s) => a + pick(s), 0) / known.length;
  return {
    machineUs: mean((s) => s.machineUs),
    generatorUs: mean((s) => s.generatorUs),
    serverUs: known.reduce((a, s) => a + s.serverUs, 0),
    served: known.reduce((a, s) => a + s.served, 0),
    seconds: mean((s) => s.seconds),
  };
}

function addCounts(counts: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const byStatus of counts) {
    for (const [status, count] of Object.entries(byStatus))
      total[status] = (total[status] ?? 0) + count;
  }
  return total;
}

function runOnce(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  let nextIndex = 0;
  const setupClient = spec.setupClient;
  return autocannon({
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
    overallRate: spec.overallRate,
    // A slow answer is data, not an error: keep it in the latency histogram.
    timeout: 30,
    setupClient: setupClient ? (client) => setupClient(client, nextIndex++) : undefined,
  });
}
