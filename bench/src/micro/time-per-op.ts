export interface TimingOptions {
  /** Milliseconds of calls before timing (JIT, caches). */
  warmupMs: number;
  /** Milliseconds of timed calls. */
  durationMs: number;
}

/** Rounds of this many milliseconds are timed separately; the median round is reported. */
const ROUND_MS = 20;

/**
 * Microseconds per call of `op`, run back to back in this process: the
 * median over ~20 ms rounds, so a round slowed by another process on the
 * machine does not move the figure. An `op` that returns a promise is
 * awaited (one await costs well under a microsecond).
 */
export async function timePerOp(
  op: () => unknown,
  { warmupMs, durationMs }: TimingOptions,
): Promise<number> {
  const warmupEnd = performance.now() + warmupMs;
  let batch = 1;
  while (performance.now() < warmupEnd) {
    const started = performance.now();
    await runBatch(op, batch);
    const elapsed = performance.now() - started;
    if (elapsed < ROUND_MS / 2) batch *= 2;
  }
  const perOp: number[] = [];
  const end = performance.now() + durationMs;
  do {
    const started = performance.now();
    await runBatch(op, batch);
    const elapsed = performance.now() - started;
    perOp.push((elapsed * 1000) / batch);
    if (elapsed < ROUND_MS / 2) batch *= 2;
  } while (performance.now() < end);
  return median(perOp);
}

async function runBatch(op: () => unknown, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const result = op();
    if (result instanceof Promise) await result;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
