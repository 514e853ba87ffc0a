import type { Clock } from "../clock.ts";
import type { Revocation, RevocationFeed } from "../storage.ts";

/**
 * Makes revocation instant for access tokens, which are otherwise checked
 * without a database read: the ids of revoked sessions, each kept until the
 * last access token it could have issued has expired. This process's own
 * revocations count the moment they commit (`add`); every other process's
 * arrive through the storage's revocation feed. `has` reads memory only
 * (after the feed's synchronous catch-up, where the backend has one).
 */
export class RevokedSessions {
  private readonly expiries = new Map<string, number>();
  private nextPruneAt = 0;

  constructor(
    private readonly feed: RevocationFeed,
    private readonly clock: Clock,
    /** How long an access token can outlive a revocation: its TTL plus the clock tolerance (ms). */
    private readonly keepMs: number,
  ) {}

  /** Subscribes to the feed; resolves once the revocations on record are known. */
  start(): Promise<void> {
    return this.feed.start((revocations) => this.addAll(revocations));
  }

  stop(): Promise<void> {
    return this.feed.stop();
  }

  add(sessionId: string, revokedAt: number): void {
    const expiresAt = revokedAt + this.keepMs;
    if ((this.expiries.get(sessionId) ?? 0) < expiresAt) this.expiries.set(sessionId, expiresAt);
  }

  has(sessionId: string): boolean {
    this.feed.catchUp?.();
    const now = this.clock.now();
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + 60_000;
      for (const [id, expiresAt] of this.expiries) {
        if (expiresAt <= now) this.expiries.delete(id);
      }
    }
    return this.expiries.has(sessionId);
  }

  private addAll(revocations: Revocation[]): void {
    for (const { sessionId, revokedAt } of revocations) this.add(sessionId, revokedAt);
  }
}
