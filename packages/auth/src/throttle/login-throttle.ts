import type { ThrottleConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { ThrottleCounter, ThrottleKey, ThrottleStore } from "../storage.ts";
import { ipBucket } from "./ip-bucket.ts";
import { KeyedQueue } from "./keyed-queue.ts";

/**
 * Who a password attempt is counted against:
 * - `account`: a client that has never signed in to the account (the email);
 * - `device`: a client holding a device token of the account (device-tokens.ts),
 *   throttled on its own so floods against the account cannot lock it out;
 * - `session`: a signed-in session re-entering its password (a password
 *   change), throttled on the session so anonymous failures never block it
 *   while a stolen access token still cannot guess fast.
 */
export type AttemptSubject =
  | { kind: "account"; email: string }
  | { kind: "device"; deviceId: string }
  | { kind: "session"; sessionId: string };

/**
 * Password-guessing defence (OWASP authentication cheat sheet, NIST SP
 * 800-63B §5.2.2). Failures are counted in the database, per subject (the
 * main defence: back-off doubling after a few failures, then a lockout long
 * before 100) and per network (an IPv4 address or an IPv6 /64; a second layer
 * sized for many users behind one NAT). Unknown emails are counted exactly
 * like known ones, so throttling reveals nothing about which accounts exist.
 *
 * Attempts on one subject are taken one at a time in this process, so a
 * burst of parallel guesses cannot all pass the check before the first
 * failure is counted, while parallel *correct* logins simply queue.
 */
export class LoginThrottle {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly store: ThrottleStore,
    private readonly config: ThrottleConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs one password check as a throttled attempt: waits for the subject's
   * previous attempt, throws `RATE_LIMITED` with the retry time if this one is
   * not allowed now, then counts it as a failure for the subject and the
   * network unless `check` reports it passed (a check that throws counts as
   * failed). A pass resets the subject's counter.
   */
  async guard<T extends { passed: boolean }>(
    subject: AttemptSubject,
    ip: string | null,
    check: () => Promise<T>,
  ): Promise<T> {
    const keys = this.keysFor(subject, ip);
    const [primary] = keys;
    const release = await this.queue.acquire(primary?.key ?? "");
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
        if (!outcome?.passed) await this.store.recordFailure(keys, this.clock.now());
        // Most logins have nothing to reset: skip the write (and its durable commit) then.
        else if (primary && (counters[0]?.failures ?? 0) > 0) await this.store.clear(primary.key);
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

  private keysFor(subject: AttemptSubject, ip: string | null): ThrottleKey[] {
    const c = this.config;
    const keys: ThrottleKey[] = [
      {
        key: subjectKey(subject),
        expireAfterMs: c.accountFailureMemory * 1000,
        anchor: "last_failure",
      },
    ];
    if (ip) {
      keys.push({
        key: `${IP_PREFIX}${ipBucket(ip)}`,
        expireAfterMs: c.ipWindow * 1000,
        anchor: "window_start",
      });
    }
    return keys;
  }
}

function subjectKey(subject: AttemptSubject): string {
  switch (subject.kind) {
    case "account":
      return `login:account:${subject.email}`;
    case "device":
      return `login:device:${subject.deviceId}`;
    case "session":
      return `login:session:${subject.sessionId}`;
  }
}

const IP_PREFIX = "login:ip:";
