import type { Clock } from "../clock.ts";
import type { ThrottleKey, ThrottleStore } from "../storage.ts";
import { ipBucket } from "./ip-bucket.ts";

/**
 * A per-IP request budget for the token endpoints (sign-in and sign-up,
 * refresh): at most `limit` requests per fixed window, counted in the shared
 * database so the budget holds across every server process. It is the outer
 * layer, sized like Supabase's (order of 150 token requests per 5 minutes per
 * IP) so many users behind one NAT are not locked out; the per-account
 * failure count is the defence that matters against guessing. An IPv6 client
 * is counted by its /64 (`ipBucket`), since it can pick any address in it.
 *
 * A request is counted without waiting for the write: the decision reads the
 * committed count and adds this process's increments still on their way to
 * disk, so the budget costs no extra durable commit on the request's path. A
 * refused request is not counted, so a flood causes no writes. For an instant
 * after a commit an increment can be seen twice; the count errs high, never low.
 */
export class RequestBudget {
  /** Increments of this process not yet committed, by key. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Counts a request from `ip`: undefined if it is within the budget, else when the window reopens (epoch ms). */
  async spend(ip: string): Promise<number | undefined> {
    const now = this.clock.now();
    const key: ThrottleKey = {
      key: `requests:${this.name}:${ipBucket(ip)}`,
      expireAfterMs: this.windowSeconds * 1000,
      anchor: "window_start",
    };
    const [counter] = await this.store.read([key], now);
    const committed = counter?.failures ?? 0;
    const pending = this.inFlight.get(key.key) ?? 0;
    if (committed + pending >= this.limit) {
      return (counter?.windowStartedAt ?? now) + key.expireAfterMs;
    }
    this.inFlight.set(key.key, pending + 1);
    this.store
      .recordFailure([key], now)
      // A lost increment under-counts by one; the budget only sheds load, so the request goes on.
      .catch(() => {})
      .finally(() => {
        const left = (this.inFlight.get(key.key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key.key, left);
        else this.inFlight.delete(key.key);
      });
    return undefined;
  }
}
