import type { ThrottleConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { ThrottleCounter, ThrottleDecision, ThrottleKey, ThrottleStore } from "../storage.ts";

/**
 * Password-guessing defence (OWASP authentication cheat sheet, NIST SP
 * 800-63B §5.2.2). Failures are counted in the database, per account (the
 * main defence: back-off doubling after a few failures, then a lockout long
 * before 100) and per IP (a second layer sized for many users behind one NAT).
 * Unknown emails are counted exactly like known ones, so throttling reveals
 * nothing about which accounts exist.
 */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly config: ThrottleConfig,
    private readonly clock: Clock,
  ) {}

  /** Counts this attempt, or throws `RATE_LIMITED` with the retry time if it is not allowed now. */
  async begin(email: string, ip: string | null): Promise<LoginAttempt> {
    const keys = this.keysFor(email, ip);
    const now = this.clock.now();
    const decision = await this.store.attempt(keys, now, (counters) => this.decide(counters, now));
    if (!decision.allowed) {
      throw new AuthError("RATE_LIMITED", { retryAt: Math.ceil(decision.retryAt / 1000) });
    }
    return {
      succeeded: async () => {
        const [account, ...others] = keys;
        if (account) await this.store.clear(account.key);
        for (const other of others) await this.store.forgiveOne(other.key);
      },
    };
  }

  /** When each counter allows the next attempt; the latest wins. */
  retryAt(counter: ThrottleCounter): number | undefined {
    const c = this.config;
    if (counter.key.startsWith(IP_PREFIX)) {
      return counter.failures >= c.ipMaxFailures
        ? counter.windowStartedAt + c.ipWindow * 1000
        : undefined;
    }
    if (counter.failures >= c.accountLockoutFailures) {
      return counter.lastFailureAt + c.accountLockout * 1000;
    }
    if (counter.failures >= c.accountFreeFailures) {
      const doublings = counter.failures - c.accountFreeFailures;
      const delay = Math.min(c.accountBaseDelay * 2 ** doublings, c.accountMaxDelay);
      return counter.lastFailureAt + delay * 1000;
    }
    return undefined;
  }

  private decide(counters: ThrottleCounter[], now: number): ThrottleDecision {
    let latest = 0;
    for (const counter of counters) {
      const at = this.retryAt(counter);
      if (at !== undefined && at > now && at > latest) latest = at;
    }
    return latest > 0 ? { allowed: false, retryAt: latest } : { allowed: true };
  }

  private keysFor(email: string, ip: string | null): ThrottleKey[] {
    const c = this.config;
    const keys: ThrottleKey[] = [
      {
        key: `${ACCOUNT_PREFIX}${email}`,
        expireAfterMs: c.accountFailureMemory * 1000,
        anchor: "last_failure",
      },
    ];
    if (ip) {
      keys.push({
        key: `${IP_PREFIX}${ip}`,
        expireAfterMs: c.ipWindow * 1000,
        anchor: "window_start",
      });
    }
    return keys;
  }
}

export interface LoginAttempt {
  /** Resets the account's counter and takes this attempt back from the IP's. */
  succeeded(): Promise<void>;
}

const ACCOUNT_PREFIX = "login:account:";
const IP_PREFIX = "login:ip:";
