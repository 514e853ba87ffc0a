import type { ThrottleCounter, ThrottleKey, ThrottleStore } from "@sesame/auth";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { throttleCounters } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** Failure counters in the shared database, so limits hold across every server process. */
export class SqliteThrottleStore implements ThrottleStore {
  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {}

  async read(keys: ThrottleKey[], now: number): Promise<ThrottleCounter[]> {
    return this.load(keys, now);
  }

  recordFailure(keys: ThrottleKey[], now: number): Promise<void> {
    return this.writes.run(() => {
      // Read and write in one write transaction: concurrent failures from other processes add up.
      for (const counter of this.load(keys, now)) {
        const failures = counter.failures + 1;
        const windowStartedAt = counter.failures === 0 ? now : counter.windowStartedAt;
        this.db
          .insert(throttleCounters)
          .values({ key: counter.key, failures, windowStartedAt, lastFailureAt: now })
          .onConflictDoUpdate({
            target: throttleCounters.key,
            set: { failures, windowStartedAt, lastFailureAt: now },
          })
          .run();
      }
    });
  }

  clear(key: string): Promise<void> {
    return this.writes.run(() => {
      this.db.delete(throttleCounters).where(eq(throttleCounters.key, key)).run();
    });
  }

  /** The counters for `keys`, an expired or missing one as zero failures. */
  private load(keys: ThrottleKey[], now: number): ThrottleCounter[] {
    const rows = this.db
      .select()
      .from(throttleCounters)
      .where(
        inArray(
          throttleCounters.key,
          keys.map((k) => k.key),
        ),
      )
      .all();
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map(({ key, expireAfterMs, anchor }) => {
      const row = byKey.get(key);
      const anchorAt = row && (anchor === "window_start" ? row.windowStartedAt : row.lastFailureAt);
      if (!row || anchorAt === undefined || now - anchorAt >= expireAfterMs) {
        return { key, failures: 0, windowStartedAt: now, lastFailureAt: 0 };
      }
      return row;
    });
  }
}
