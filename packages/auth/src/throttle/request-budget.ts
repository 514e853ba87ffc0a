import type { Clock } from "../clock.ts";
import type { ThrottleStore } from "../storage.ts";
import { ipBucket } from "./ip-bucket.ts";

/**
 * A per-IP (or per-address) request budget for the token endpoints (sign-in and sign-up,
 * refresh): at most `limit` requests per fixed window, counted in the shared
 * database so the budget holds across every server process. It is the outer
 * layer, sized like Supabase's (order of 150 token requests per 5 minutes per
 * IP) so many users behind one NAT are not locked out; the per-account
 * failure count is the defence that matters against guessing. An IPv6 client
 * is counted by its /64 (`ipBucket`), since it can pick any address in it.
 *
 * A request is counted by a guarded increment (ThrottleStore.spend): one
 * atomic step that adds it only while the committed count is below the
 * limit, so the budget is exact however many processes spend at once, and a
 * refused request writes nothing, so a flood causes no writes. The price is
 * a write the request waits for: on SQLite a durable commit, though the
 * group commit shares it with every other write of the same turn.
 */
export class RequestBudget {
  constructor(
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Counts a request from `ip`: undefined if it is within the budget, else when the window reopens (epoch ms). */
  spend(ip: string): Promise<number | undefined> {
    return this.spendOn(ipBucket(ip));
  }

  /** The same for any other subject the budget is kept on (an email address). */
  async spendOn(subject: string): Promise<number | undefined> {
    const now = this.clock.now();
    const key = `requests:${this.name}:${subject}`;
    const windowMs = this.windowSeconds * 1000;
    const { counted, windowStartedAt } = await this.store.spend({
      key,
      limit: this.limit,
      // A window that opened `windowMs` ago or earlier is over: the request opens a new one.
      expiredFrom: now - windowMs,
      fresh: { key, failures: 1, windowStartedAt: now, lastFailureAt: now },
    });
    return counted ? undefined : windowStartedAt + windowMs;
  }
}
