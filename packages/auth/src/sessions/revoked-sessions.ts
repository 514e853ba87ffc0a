import type { Clock } from "../clock.ts";
import type { SessionStore } from "../storage.ts";

/**
 * Makes revocation instant for access tokens, which are otherwise checked
 * without a database read: the ids of sessions revoked by this process or any
 * other sharing the database, each kept until the last access token it could
 * have issued has expired. Everything arrives through the store's revocation
 * feed, which reports this process's own revocations too, synced on every
 * check at the cost of one cheap "did anything change?" query when nothing did.
 */
export class RevokedSessions {
  private readonly expiries = new Map<string, number>();
  private cursor = 0;
  private nextPruneAt = 0;

  constructor(
    private readonly feed: Pick<SessionStore, "pollRevocations">,
    private readonly clock: Clock,
    /** How long an access token can outlive a revocation: its TTL plus the clock tolerance (ms). */
    private readonly keepMs: number,
  ) {}

  private add(sessionId: string, revokedAt: number): void {
    this.expiries.set(sessionId, revokedAt + this.keepMs);
  }

  has(sessionId: string): boolean {
    this.sync();
    return this.expiries.has(sessionId);
  }

  private sync(): void {
    const batch = this.feed.pollRevocations(this.cursor);
    if (batch) {
      this.cursor = batch.cursor;
      for (const { sessionId, revokedAt } of batch.revocations) this.add(sessionId, revokedAt);
    }
    const now = this.clock.now();
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + 60_000;
      for (const [sessionId, expiresAt] of this.expiries) {
        if (expiresAt <= now) this.expiries.delete(sessionId);
      }
    }
  }
}
