import type { ThrottleClaim, ThrottleCounter, ThrottleSpend, ThrottleStore } from "@sesame/auth";
import { and, eq, gt, lt, sql } from "drizzle-orm";
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
      giveBack: db
        .update(throttleCounters)
        .set({ failures: sql`${throttleCounters.failures} - 1` })
        .where(and(eq(throttleCounters.key, p("key")), gt(throttleCounters.failures, 0)))
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

  async readStored(keys: string[]): Promise<(ThrottleCounter | undefined)[]> {
    return keys.map((key) => this.q.byKey.get({ key }));
  }

  claim(claims: ThrottleClaim[]): Promise<boolean> {
    // Compared and written in one write transaction (BEGIN IMMEDIATE): no other process can come between.
    return this.writes.run(() => {
      const unchanged = claims.every(({ key, expected }) =>
        sameCounter(this.q.byKey.get({ key }), expected),
      );
      if (!unchanged) return false;
      for (const { next } of claims) this.q.upsert.run({ ...next });
      return true;
    });
  }

  giveBack(key: string): Promise<void> {
    return this.writes.run(() => {
      this.q.giveBack.run({ key });
    });
  }

  async spend({ key, limit, expiredFrom, fresh }: ThrottleSpend) {
    // A full window refuses without waiting for the write lock: refusals cost no write and no wait.
    const seen = this.q.byKey.get({ key });
    if (seen && seen.windowStartedAt > expiredFrom && seen.failures >= limit) {
      return { counted: false, windowStartedAt: seen.windowStartedAt };
    }
    // Decided again inside the write transaction, on the row as committed.
    return this.writes.run(() => {
      const row = this.q.byKey.get({ key });
      if (!row || row.windowStartedAt <= expiredFrom) {
        this.q.upsert.run({ ...fresh });
        return { counted: true, windowStartedAt: fresh.windowStartedAt };
      }
      if (row.failures >= limit) return { counted: false, windowStartedAt: row.windowStartedAt };
      this.q.upsert.run({ ...row, failures: row.failures + 1, lastFailureAt: fresh.lastFailureAt });
      return { counted: true, windowStartedAt: row.windowStartedAt };
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
}

function sameCounter(row: ThrottleCounter | undefined, expected: ThrottleCounter | undefined) {
  if (!row || !expected) return row === expected;
  return (
    row.failures === expected.failures &&
    row.windowStartedAt === expected.windowStartedAt &&
    row.lastFailureAt === expected.lastFailureAt
  );
}
