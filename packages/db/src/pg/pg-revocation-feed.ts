import type { Revocation, RevocationFeed } from "@sesame/auth";
import type { PgSql } from "./pg-client.ts";
import { REVOCATION_CHANNEL } from "./stores/pg-session-revocations.ts";

interface FeedRow {
  /** The snapshot's xmin: every transaction below it had ended when the rows were read. */
  floor: string;
  seq: number | null;
  session_id: string | null;
  revoked_at: number | null;
  xid: string | null;
}

/**
 * The revocation feed on PostgreSQL: LISTEN/NOTIFY for instant delivery (the
 * revoking transaction notifies, PostgreSQL delivers at its commit) and a poll
 * every `pollMs` in case a notification is lost (the listening connection
 * dropped, a notification sent while it was reconnecting). Both only wake the
 * same read of `session_revocations`, so what is delivered never depends on
 * which one fired.
 *
 * The cursor is a transaction-id floor, not a sequence number. Sequence values
 * are taken at insert and committed in any order: a reader past seq 42 would
 * never see 41 if 41's transaction committed after 42 was read. Each row
 * carries its transaction's id instead, and each read, in one statement (one
 * snapshot), takes that snapshot's xmin, below which every transaction has
 * ended, and reads every row at or above the previous floor. A row below the
 * new floor was committed before the read and so was in it; a row at or above
 * it is read again next time (its transaction may still have been running),
 * and the rows already delivered are remembered until the floor passes them,
 * so a listener sees each once. A transaction left open holds the floor and
 * only makes the reads longer, never lets one skip a row.
 */
export class PgRevocationFeed implements RevocationFeed {
  private listener: ((revocations: Revocation[]) => void) | undefined;
  private floor = 0n;
  /** Rows delivered whose transaction is at or above the floor, by seq: they are read again. */
  private readonly delivered = new Map<number, bigint>();
  private subscription: { unlisten(): Promise<void> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly sql: PgSql,
    private readonly pollMs = 500,
  ) {}

  async start(listener: (revocations: Revocation[]) => void): Promise<void> {
    await this.stop();
    this.listener = listener;
    // From the first row again: a listener started anew (a new auth core on this storage) knows none.
    this.floor = 0n;
    this.delivered.clear();
    try {
      // Every revocation on record first: a failure here fails the start (no
      // process may serve without knowing them).
      await this.wake();
      // postgres.js calls onlisten on each (re)connection of its listening
      // connection: the catch-up for whatever was notified while it was away.
      this.subscription = await this.sql.listen(
        REVOCATION_CHANNEL,
        () => this.wakeInBackground(),
        () => this.wakeInBackground(),
      );
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.timer = setInterval(() => this.wakeInBackground(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.listener = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    // The database may be gone; closing the storage ends the connection anyway.
    await subscription?.unlisten().catch(() => {});
    await Promise.allSettled([this.current, this.next]);
  }

  /** A read not yet begun when this was called, on its way: at most one running and one waiting, whatever the number of wake-ups. */
  private wake(): Promise<void> {
    if (!this.current) {
      this.current = this.read().finally(() => {
        this.current = undefined;
      });
      return this.current;
    }
    this.next ??= this.current
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.wake();
      });
    return this.next;
  }

  /** A failed read (the database unreachable) is retried by the next poll, from the same floor. */
  private wakeInBackground(): void {
    if (this.listener) this.wake().catch(() => {});
  }

  private async read(): Promise<void> {
    if (!this.listener) return;
    const rows = await this.sql<FeedRow[]>`
      SELECT h.floor::text AS floor, r.seq, r.session_id, r.revoked_at, r.xid::text AS xid
      FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS floor) h
      LEFT JOIN session_revocations r ON r.xid >= ${this.floor.toString()}::xid8
      ORDER BY r.seq`;
    const fresh: Revocation[] = [];
    for (const row of rows) {
      if (row.seq === null || this.delivered.has(row.seq)) continue;
      this.delivered.set(row.seq, BigInt(row.xid ?? "0"));
      fresh.push({ sessionId: row.session_id ?? "", revokedAt: row.revoked_at ?? 0 });
    }
    const floor = BigInt(rows[0]?.floor ?? "0");
    if (floor > this.floor) this.floor = floor;
    for (const [seq, xid] of this.delivered) if (xid < this.floor) this.delivered.delete(seq);
    if (fresh.length > 0) this.listener?.(fresh);
  }
}
