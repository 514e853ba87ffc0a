/**
 * Remembers tokens whose signature and claims were already checked, keyed by
 * the whole token string, so a client calling many times with one access token
 * pays for the signature once. It never widens acceptance:
 * - an entry is used only until the token's own `exp` plus the tolerance
 *   verification would allow;
 * - revocation is checked by the caller on every request, cached or not;
 * - the owner clears it whenever the key set changes, so a removed key stops
 *   working at once;
 * - it holds only live tokens: each insertion first drops the oldest entries
 *   whose deadline has passed, so under steady traffic it holds about one
 *   access-token lifetime of tokens rather than filling to its bound with
 *   tokens no one will present again (memory that would only level off once
 *   full, and look like a leak until then);
 * - it is bounded: when full, the oldest entry goes.
 * Entries are in insertion order, which is deadline order for tokens of one
 * lifetime verified soon after issue; one verified late (or cut short by its
 * session's end) only delays the sweep behind it until it expires too.
 */
export class VerifiedTokenCache<Claims> {
  private readonly entries = new Map<string, { claims: Claims; validUntilMs: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, nowMs: number): Claims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs >= entry.validUntilMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  set(token: string, claims: Claims, validUntilMs: number, nowMs: number): void {
    // A size of 0 turns the cache off; without this it would still keep the last token.
    if (this.maxEntries <= 0) return;
    for (const [oldest, entry] of this.entries) {
      if (entry.validUntilMs > nowMs) break;
      this.entries.delete(oldest);
    }
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { claims, validUntilMs });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
