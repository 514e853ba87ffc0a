import type { ThrottleCounter, ThrottleKey, ThrottleStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";
import { PerKeyOrder } from "./per-key-order.ts";

/** When the stored counter restarts at one: it holds no failure, or it has expired (`read` treats it as zero). */
const RESTART = `(c.failures = 0 OR $2::bigint - CASE WHEN $4::text = 'window_start'
  THEN c.window_started_at ELSE c.last_failure_at END >= $3::bigint)`;

/**
 * One failure added to one key, exact under any concurrency: a single upsert
 * whose SET computes the next counter from the row as committed, under the
 * row lock ON CONFLICT takes (a concurrent upsert of the key waits, then
 * computes from this one's result). `$3` is the key's expireAfterMs, `$4` the
 * time it counts from (ThrottleKey.anchor), the arithmetic of the SQLite
 * store's read-then-write done in SQL.
 */
const RECORD_FAILURE = `
  INSERT INTO throttle_counters AS c (key, failures, window_started_at, last_failure_at)
  VALUES ($1::text, 1, $2::bigint, $2::bigint)
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN ${RESTART} THEN 1 ELSE c.failures + 1 END,
    window_started_at = CASE WHEN ${RESTART} THEN excluded.window_started_at ELSE c.window_started_at END,
    last_failure_at = excluded.last_failure_at`;

interface CounterRow {
  key: string;
  failures: number;
  window_started_at: number;
  last_failure_at: number;
}

/**
 * Failure and request counters in the shared database, so limits hold across
 * every server process. Per key, this process's reads and writes take effect
 * in the order they are called (per-key-order.ts), as they do on SQLite.
 */
export class PgThrottleStore implements ThrottleStore {
  private readonly order = new PerKeyOrder();

  constructor(private readonly sql: PgSql) {}

  async read(keys: ThrottleKey[], now: number): Promise<ThrottleCounter[]> {
    const names = keys.map(({ key }) => key);
    const rows = await this.order.read(
      names,
      () => this.sql<CounterRow[]>`
        SELECT key, failures, window_started_at, last_failure_at FROM throttle_counters
        WHERE key = ANY(${names}::text[])`,
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map(({ key, expireAfterMs, anchor }) => {
      const row = byKey.get(key);
      const anchorAt =
        row && (anchor === "window_start" ? row.window_started_at : row.last_failure_at);
      if (!row || anchorAt === undefined || now - anchorAt >= expireAfterMs) {
        return { key, failures: 0, windowStartedAt: now, lastFailureAt: 0 };
      }
      return {
        key,
        failures: row.failures,
        windowStartedAt: row.window_started_at,
        lastFailureAt: row.last_failure_at,
      };
    });
  }

  /** One statement per key, each atomic on its own; a row lock at a time, so no deadlock between processes. */
  async recordFailure(keys: ThrottleKey[], now: number): Promise<void> {
    await this.order.write(
      keys.map(({ key }) => key),
      () =>
        Promise.all(
          keys.map(({ key, expireAfterMs, anchor }) =>
            this.sql.unsafe(RECORD_FAILURE, [key, now, expireAfterMs, anchor], { prepare: true }),
          ),
        ),
    );
  }

  async clear(key: string): Promise<void> {
    await this.order.write([key], () => this.sql`DELETE FROM throttle_counters WHERE key = ${key}`);
  }

  async purgeIdleBefore(before: number): Promise<number> {
    const purged = await this.sql`
      DELETE FROM throttle_counters WHERE window_started_at < ${before} AND last_failure_at < ${before}`;
    return purged.count;
  }
}
