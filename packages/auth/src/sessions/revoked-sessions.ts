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
  private readonly listeners = new Set<(revocation: Revocation) => void>();
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
    if ((this.expiries.get(sessionId) ?? 0) >= expiresAt) return;
    this.expiries.set(sessionId, expiresAt);
    for (const listener of this.listeners) listener({ sessionId, revokedAt });
  }

  /**
   * Tells `listener` of every revocation known now and of each one learned
   * from then on, from this process or through the feed (the security-event
   * transmitter hands them to other services). Answers the unsubscribe.
   */
  subscribe(listener: (revocation: Revocation) => void): () => void {
    for (const [sessionId, expiresAt] of this.expiries) {
      listener({ sessionId, revokedAt: expiresAt - this.keepMs });
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The feed's synchronous catch-up, for a caller that waits for revocations rather than checking one. */
  catchUp(): void {
    this.feed.catchUp?.();
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
