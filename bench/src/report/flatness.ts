import { median } from "../micro/time-per-op.ts";
import type { TimePoint } from "./section.ts";

/** How a long run is cut up for the flatness rule: a warm-up, then windows of equal length to the end. */
export interface RunWindows {
  /** Seconds from the start that are not judged: caches, pools and V8's tiers fill up here. */
  warmupSeconds: number;
  /** Length of the window compared at either end (a minute in the full soak). */
  windowSeconds: number;
  /** Seconds the run lasted. */
  endSeconds: number;
}

/** A figure early in the judged part of a run against the same figure at its end. */
export interface WindowChange {
  /** Median of the samples in the first window after warm-up. */
  first: number;
  /** Median of the samples in the last window. */
  last: number;
  /** last ÷ first: 1.00 is flat, 1.05 is 5% growth. */
  ratio: number;
}

/**
 * The median of the samples in the first window after warm-up against the
 * median of the samples in the last window. Medians, so one sample caught
 * mid-collection or mid-burst does not decide; the ends of the run, so steady
 * growth shows in full however it is shaped. A sample at `seconds` belongs to
 * the window (start, start + length]: it closes an interval. Undefined when
 * either window has no sample (a run too short to judge).
 */
export function windowChange(points: TimePoint[], windows: RunWindows): WindowChange | undefined {
  const { warmupSeconds, windowSeconds, endSeconds } = windows;
  const within = (from: number, to: number) =>
    points.filter((p) => p.seconds > from && p.seconds <= to).map((p) => p.value);
  const early = within(warmupSeconds, warmupSeconds + windowSeconds);
  const late = within(endSeconds - windowSeconds, endSeconds);
  if (early.length === 0 || late.length === 0) return undefined;
  const first = median(early);
  const last = median(late);
  return { first, last, ratio: first > 0 ? last / first : last > 0 ? Number.POSITIVE_INFINITY : 1 };
}

/** Flat: the last window under `maxRatio` times the first (1.05: less than 5% growth); unjudged is not flat. */
export function isFlat(change: WindowChange | undefined, maxRatio: number): boolean {
  return change !== undefined && change.ratio < maxRatio;
}
