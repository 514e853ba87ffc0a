import type { ThrottleConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { ThrottleCounter, ThrottleKey, ThrottleStore } from "../storage.ts";
import { KeyedQueue } from "./keyed-queue.ts";

/**
 * Password-guessing defence (OWASP authentication cheat sheet, NIST SP
 * 800-63B §5.2.2). Failures are counted in the database, per account (the
 * main defence: back-off doubling after a few failures, then a lockout long
 * before 100) and per IP (a second layer sized for many users behind one NAT).
 * Unknown emails are counted exactly like known ones, so throttling reveals
 * nothing about which accounts exist.
 *
 * Attempts on one account are taken one at a time in this process, so a burst
 * of parallel guesses cannot all pass the check before the first failure is
 * counted, while parallel *correct* logins simply queue.
 */
export class LoginThrottle {
  private readonly accounts = new KeyedQueue();

  constructor(
    private readonly store: ThrottleStore,
    private readonly config: ThrottleConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs one password check as a throttled attempt: waits for the account's
   * previous attempt, throws `RATE_LIMITED` with the retry time if this one is
   * not allowed now, then counts it as a failure for the account and the IP
   * unless `check` reports it passed (a check that throws counts as failed).
   * A pass resets the account's counter.
   */
  async guard<T extends { passed: boolean }>(
    email: string,
    ip: string | null,
    check: () => Promise<T>,
  ): Promise<T> {
    const keys = this.keysFor(email, ip);
    const release = await this.accounts.acquire(email);
    try {
      const now = this.clock.now();
      const counters = await this.store.read(keys, now);
      const retryAt = this.retryAtOf(counters, now);
      if (retryAt !== undefined) {
        throw new AuthError("RATE_LIMITED", { retryAt: Math.ceil(retryAt / 1000) });
      }
      let outcome: T | undefined;
      try {
        outcome = await check();
      } finally {
        const [account] = keys;
        if (!outcome?.passed) await this.store.recordFailure(keys, this.clock.now());
        // Most logins have nothing to reset: skip the write (and its durable commit) then.
        else if (account && (counters[0]?.failures ?? 0) > 0) await this.store.clear(account.key);
      }
      return outcome;
    } finally {
      release();
    }
  }

  /** When a counter allows the next attempt, if it blocks at all. */
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

  /** The latest retry time among the counters still blocking at `now`. */
  private retryAtOf(counters: ThrottleCounter[], now: number): number | undefined {
    let latest: number | undefined;
    for (const counter of counters) {
      const at = this.retryAt(counter);
      if (at !== undefined && at > now && (latest === undefined || at > latest)) latest = at;
    }
    return latest;
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

const ACCOUNT_PREFIX = "login:account:";
const IP_PREFIX = "login:ip:";
