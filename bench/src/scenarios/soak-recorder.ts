import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

/** The four procedures the soak's clients call. */
export const SOAK_PROCEDURES = ["auth.login", "user.me", "auth.refresh", "auth.logout"] as const;
export type SoakProcedure = (typeof SOAK_PROCEDURES)[number];

/** Requests answered over some stretch of the run. */
export interface Tally {
  requests: number;
  /** Requests that failed: anything but a 200, a socket error or a timeout. */
  errors: number;
  /** Latency percentiles of every request, failed ones too, in milliseconds (0 when none came). */
  p50: number;
  p99: number;
}

/**
 * Counts requests and their latencies as the soak's clients report them, in
 * three overlapping stretches that are each read and restarted on their own
 * schedule: the sample interval (seconds), the window (a minute), and per
 * procedure since the warm-up ended. Node's HDR histograms keep that in a
 * fixed few KB however long the run, and cost the generator next to nothing.
 */
export class SoakRecorder {
  private readonly interval = new LatencyTally();
  private readonly window = new LatencyTally();
  private readonly procedures = new Map(
    SOAK_PROCEDURES.map((procedure) => [procedure, new LatencyTally()]),
  );
  /** The first few distinct failures, for the report: a count alone does not say what broke. */
  readonly failures = new Map<string, number>();

  record(procedure: SoakProcedure, ms: number, failure?: string): void {
    const ok = failure === undefined;
    this.interval.add(ms, ok);
    this.window.add(ms, ok);
    this.procedures.get(procedure)?.add(ms, ok);
    if (failure !== undefined) {
      const key = `${procedure}: ${failure}`;
      if (this.failures.has(key) || this.failures.size < 10) {
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      }
    }
  }

  /** The interval since the last call, and a fresh one started. */
  takeInterval(): Tally {
    return this.interval.take();
  }

  /** The window since the last call, and a fresh one started. */
  takeWindow(): Tally {
    return this.window.take();
  }

  /** Each procedure since the last call (the end of warm-up), and fresh ones started. */
  takeProcedures(): Record<SoakProcedure, Tally> {
    return Object.fromEntries(
      SOAK_PROCEDURES.map((procedure) => [procedure, this.procedures.get(procedure)?.take()]),
    ) as Record<SoakProcedure, Tally>;
  }
}

class LatencyTally {
  private readonly histogram: RecordableHistogram = createHistogram();
  private requests = 0;
  private errors = 0;

  add(ms: number, ok: boolean): void {
    // The histogram takes positive integers: microseconds, at least 1.
    this.histogram.record(Math.max(1, Math.round(ms * 1000)));
    this.requests++;
    if (!ok) this.errors++;
  }

  take(): Tally {
    const empty = this.requests === 0;
    const tally = {
      requests: this.requests,
      errors: this.errors,
      p50: empty ? 0 : this.histogram.percentile(50) / 1000,
      p99: empty ? 0 : this.histogram.percentile(99) / 1000,
    };
    this.histogram.reset();
    this.requests = 0;
    this.errors = 0;
    return tally;
  }
}
