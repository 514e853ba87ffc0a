import type { ThrottleCounter, ThrottleKey, ThrottleStore } from "@sesame/auth";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { throttleCounters } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** Failure and request counters in the shared database, so limits hold across every server process. */
export class SqliteThrottleStore implements ThrottleStore {
  /** Prepared once: every login reads and, on failure, writes these counters. */
  private readonly q;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      byKey: db
        .select()
        .from(throttleCounters)
        .where(eq(throttleCounters.key, p("key")))
        .prepare(),
      upsert: db
        .insert(throttleCounters)
        .values({
          key: p("key"),
          failures: p("failures"),
          windowStartedAt: p("windowStartedAt"),
          lastFailureAt: p("lastFailureAt"),
        })
        .onConflictDoUpdate({
          target: throttleCounters.key,
          set: {
            failures: sql`excluded.failures`,
            windowStartedAt: sql`excluded.window_started_at`,
            lastFailureAt: sql`excluded.last_failure_at`,
          },
        })
        .prepare(),
      clear: db
        .delete(throttleCounters)
        .where(eq(throttleCounters.key, p("key")))
        .prepare(),
      purgeIdle: db
        .delete(throttleCounters)
        .where(
          and(
            lt(throttleCounters.windowStartedAt, p("before")),
            lt(throttleCounters.lastFailureAt, p("before")),
          ),
        )
        .prepare(),
    };
  }

  async read(keys: ThrottleKey[], now: number): Promise<ThrottleCounter[]> {
    return this.load(keys, now);
  }

  recordFailure(keys: ThrottleKey[], now: number): Promise<void> {
    return this.writes.run(() => {
      // Read and write in one write transaction: concurrent failures from other processes add up.
      for (const counter of this.load(keys, now)) {
        const failures = counter.failures + 1;
        const windowStartedAt = counter.failures === 0 ? now : counter.windowStartedAt;
        this.q.upsert.run({ key: counter.key, failures, windowStartedAt, lastFailureAt: now });
      }
    });
  }

  clear(key: string): Promise<void> {
    return this.writes.run(() => {
      this.q.clear.run({ key });
    });
  }

  purgeIdleBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.purgeIdle.run({ before }).changes);
  }

  /** The counters for `keys`, an expired or missing one as zero failures. */
  private load(keys: ThrottleKey[], now: number): ThrottleCounter[] {
    return keys.map(({ key, expireAfterMs, anchor }) => {
      const row = this.q.byKey.get({ key });
      const anchorAt = row && (anchor === "window_start" ? row.windowStartedAt : row.lastFailureAt);
      if (!row || anchorAt === undefined || now - anchorAt >= expireAfterMs) {
        return { key, failures: 0, windowStartedAt: now, lastFailureAt: 0 };
      }
      return row;
    });
  }
}
