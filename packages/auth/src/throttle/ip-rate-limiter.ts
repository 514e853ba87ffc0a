/**
 * A per-IP request budget for the token endpoints (register, login, refresh):
 * a fixed window held in memory. It is the outer layer, sized like Supabase's
 * (order of 150 token requests per 5 minutes per IP) so many users behind one
 * NAT are not locked out; the per-account failure count in the database is
 * the defence that matters against guessing. Bounded: at most `maxTracked`
 * addresses are remembered, the oldest window dropped first.
 */
export class IpRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxTracked = 100_000,
  ) {}

  /** Counts a request; answers undefined if allowed, else when the window reopens (epoch ms). */
  hit(ip: string, now: number): number | undefined {
    let window = this.windows.get(ip);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(ip);
      if (this.windows.size >= this.maxTracked) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      window = { startedAt: now, count: 0 };
      this.windows.set(ip, window);
    }
    window.count++;
    return window.count > this.limit ? window.startedAt + this.windowMs : undefined;
  }
}
