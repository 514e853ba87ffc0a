import type {
  ThrottleClaim,
  ThrottleCounter,
  ThrottleKey,
  ThrottleSpend,
  ThrottleStore,
} from "@sesame/auth";
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

  async read(keys: ThrottleKey[], now: number): Promise<ThrottleCounter[]> {
    return this.load(keys, now);
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

function sameCounter(row: ThrottleCounter | undefined, expected: ThrottleCounter | undefined) {
  if (!row || !expected) return row === expected;
  return (
    row.failures === expected.failures &&
    row.windowStartedAt === expected.windowStartedAt &&
    row.lastFailureAt === expected.lastFailureAt
  );
}
