/**
 * The sessions this service has learned were revoked, each kept only until
 * the last access token it could have issued has expired (the SET says when).
 * Adding one twice — a duplicate delivery, or the same event from two of
 * Sesame's nodes — changes nothing. `has` reads memory only.
 */
export class RevokedSessionIds {
  private readonly keepUntil = new Map<string, number>();
  private nextPruneAt = 0;

  add(sessionId: string, untilMs: number): void {
    if ((this.keepUntil.get(sessionId) ?? 0) < untilMs) this.keepUntil.set(sessionId, untilMs);
  }

  has(sessionId: string, nowMs: number): boolean {
    if (nowMs >= this.nextPruneAt) {
      this.nextPruneAt = nowMs + 60_000;
      for (const [id, until] of this.keepUntil) if (until <= nowMs) this.keepUntil.delete(id);
    }
    const until = this.keepUntil.get(sessionId);
    return until !== undefined && until > nowMs;
  }

  get size(): number {
    return this.keepUntil.size;
  }
}
