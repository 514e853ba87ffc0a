import { AuthError } from "@sesame/contracts";
import type { ThrottleConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { ThrottleStore } from "../storage.ts";
import { RequestBudget } from "../throttle/request-budget.ts";

/**
 * How much mail requests may cost: per IP, and per address whether or not
 * it has an account (so the limit itself tells nothing), counted in the
 * shared database like every budget. It never locks an account: past it,
 * the links already sent keep working.
 */
export class MailBudget {
  private readonly perAddress: RequestBudget;
  private readonly perIp: RequestBudget;

  constructor(store: ThrottleStore, clock: Clock, t: ThrottleConfig) {
    this.perAddress = new RequestBudget(
      store,
      clock,
      "mail_address",
      t.mailsPerAddress,
      t.mailWindow,
    );
    this.perIp = new RequestBudget(store, clock, "mail_ip", t.mailRequestsPerIp, t.mailWindow);
  }

  /** One request of the IP's budget, then one mail of the address's: `RATE_LIMITED` past either. */
  async spend(address: string, meta: RequestMeta): Promise<void> {
    const ipRetry = meta.ip ? await this.perIp.spend(meta.ip) : undefined;
    const retryAt = ipRetry ?? (await this.perAddress.spendOn(address));
    if (retryAt !== undefined) {
      throw new AuthError("RATE_LIMITED", { retryAt: Math.ceil(retryAt / 1000) });
    }
  }

  /** One mail of the address's budget, for a mail nobody asked for directly: whether it may go. */
  async trySpend(address: string): Promise<boolean> {
    return (await this.perAddress.spendOn(address)) === undefined;
  }
}
