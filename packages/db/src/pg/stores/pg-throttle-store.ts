import type { ThrottleClaim, ThrottleCounter, ThrottleSpend, ThrottleStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

/**
 * The guarded increment in one upsert: under the row lock ON CONFLICT takes,
 * a missing or expired window ($3: it opened at or before) restarts at one,
 * a window below the limit ($2) gains one, a full one is left as it is (the
 * WHERE skips the update: no new row version, nothing returned).
 */
const SPEND = `
  INSERT INTO throttle_counters AS c (key, failures, window_started_at, last_failure_at)
  VALUES ($1::text, 1, $4::bigint, $5::bigint)
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN c.window_started_at <= $3::bigint THEN 1 ELSE c.failures + 1 END,
    window_started_at = CASE WHEN c.window_started_at <= $3::bigint
      THEN excluded.window_started_at ELSE c.window_started_at END,
    last_failure_at = excluded.last_failure_at
  WHERE c.window_started_at <= $3::bigint OR c.failures < $2::integer
  RETURNING window_started_at`;

/** Thrown inside a claim's transaction to roll it back: a compared row had changed. */
class ClaimLost extends Error {}

interface CounterRow {
  key: string;
  failures: number;
  window_started_at: number;
  last_failure_at: number;
}

/** Failure and request counters in the shared database, so limits hold across every server process. */
export class PgThrottleStore implements ThrottleStore {
  constructor(private readonly sql: PgSql) {}

  async readStored(keys: string[]): Promise<(ThrottleCounter | undefined)[]> {
    const rows = await this.sql<CounterRow[]>`
      SELECT key, failures, window_started_at, last_failure_at FROM throttle_counters
      WHERE key = ANY(${keys}::text[])`;
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map((key) => {
      const row = byKey.get(key);
      return (
        row && {
          key,
          failures: row.failures,
          windowStartedAt: row.window_started_at,
          lastFailureAt: row.last_failure_at,
        }
      );
    });
  }

  /**
   * One transaction, each key a statement that writes only over the expected
   * row (an UPDATE guarded by every column, or an INSERT of a missing row
   * that yields to one inserted meanwhile); the first that finds the row
   * changed rolls everything back. Keys are taken in sorted order, so two
   * claims sharing keys lock them in the same order and cannot deadlock.
   */
  async claim(claims: ThrottleClaim[]): Promise<boolean> {
    const sorted = [...claims].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    try {
      await this.sql.begin(async (tx) => {
        for (const { key, expected, next } of sorted) {
          const written = expected
            ? await tx`
                UPDATE throttle_counters SET failures = ${next.failures},
                  window_started_at = ${next.windowStartedAt}, last_failure_at = ${next.lastFailureAt}
                WHERE key = ${key} AND failures = ${expected.failures}
                  AND window_started_at = ${expected.windowStartedAt}
                  AND last_failure_at = ${expected.lastFailureAt}`
            : await tx`
                INSERT INTO throttle_counters (key, failures, window_started_at, last_failure_at)
                VALUES (${key}, ${next.failures}, ${next.windowStartedAt}, ${next.lastFailureAt})
                ON CONFLICT (key) DO NOTHING`;
          if (written.count !== 1) throw new ClaimLost();
        }
      });
      return true;
    } catch (error) {
      if (error instanceof ClaimLost) return false;
      throw error;
    }
  }

  async giveBack(key: string): Promise<void> {
    await this.sql`
      UPDATE throttle_counters SET failures = failures - 1 WHERE key = ${key} AND failures > 0`;
  }

  async spend({ key, limit, expiredFrom, fresh }: ThrottleSpend) {
    const counted = await this.sql.unsafe<{ window_started_at: number }[]>(
      SPEND,
      [key, limit, expiredFrom, fresh.windowStartedAt, fresh.lastFailureAt],
      { prepare: true },
    );
    const row = counted[0];
    if (row) return { counted: true, windowStartedAt: row.window_started_at };
    // Refused: the window is full. Its start tells when it reopens; read it (a read, no write).
    const [stored] = await this.readStored([key]);
    return { counted: false, windowStartedAt: stored?.windowStartedAt ?? fresh.windowStartedAt };
  }

  async clear(key: string): Promise<void> {
    await this.sql`DELETE FROM throttle_counters WHERE key = ${key}`;
  }

  async purgeIdleBefore(before: number): Promise<number> {
    const purged = await this.sql`
      DELETE FROM throttle_counters WHERE window_started_at < ${before} AND last_failure_at < ${before}`;
    return purged.count;
  }
}
