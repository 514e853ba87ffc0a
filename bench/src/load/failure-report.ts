import type { LoadResult } from "./load-test.ts";

/**
 * What a measured run failed on, as a phrase ("12 answered 401, 3 got no
 * answer"), or undefined when it served every request. A run that failed any
 * request measured something other than the path it names (a refused token is
 * cheap to answer), so its figure must never pass for a clean one.
 */
export function describeFailures(result: LoadResult): string | undefined {
  if (result.failures === 0) return undefined;
  const parts = Object.entries(result.non2xx)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${count.toLocaleString("en-US")} answered ${status}`);
  if (result.errors > 0) {
    parts.push(`${result.errors.toLocaleString("en-US")} got no answer (socket error or timeout)`);
  }
  return parts.join(", ");
}

/** True when none of the runs failed a request: a target compared over them may then be met. */
export function allServed(...results: LoadResult[]): boolean {
  return results.every((result) => result.failures === 0);
}

/** One note per labelled run that failed any request, saying what failed and what follows. */
export function failureNotes(runs: Record<string, LoadResult>): string[] {
  return Object.entries(runs).flatMap(([label, result]) => {
    const failed = describeFailures(result);
    return failed
      ? [
          `${label}: ${failed} of ${result.total.toLocaleString("en-US")} measured requests; only 2xx answers count in its req/s, and no target compared on it is met.`,
        ]
      : [];
  });
}
