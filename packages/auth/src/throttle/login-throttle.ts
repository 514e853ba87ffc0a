import { AuthError } from "@sesame/contracts";
import type { ThrottleConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import type { ThrottleClaim, ThrottleCounter, ThrottleKey, ThrottleStore } from "../storage.ts";
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
 * An attempt is claimed before its password is checked: the failure it
 * would be is counted first, with a compare-and-set on every counter it
 * reads (ThrottleStore.claim), and given back if the password passes. So a
 * burst of parallel guesses, on one server process or many, cannot all pass
 * the check before the first failure is counted: each claim is decided on
 * the counters as they stood, and a claim that lost to another one decides
 * again on the new counters. Within one process attempts on one subject also
 * queue (KeyedQueue), so they do not lose claims to one another; correctness
 * does not depend on it. Parallel *correct* logins simply queue too.
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
   * previous attempt in this process, throws `RATE_LIMITED` with the retry
   * time if this one is not allowed now, else claims it as a failure for the
   * subject and the network, then runs `check`. A pass resets the subject's
   * counter and gives the network's claimed failure back; a failure, or a
   * check that throws, keeps the claim.
   */
  async guard<T extends { passed: boolean }>(
    subject: AttemptSubject,
    ip: string | null,
    check: () => Promise<T>,
  ): Promise<T> {
    const keys = this.keysFor(subject, ip);
    const [primary, ...others] = keys;
    const release = await this.queue.acquire(primary?.key ?? "");
    try {
      await this.claimAttempt(keys);
      let outcome: T | undefined;
      try {
        outcome = await check();
      } finally {
        if (outcome?.passed && primary) {
          // Both in one turn: on SQLite they share one durable commit.
          await Promise.all([
            this.store.clear(primary.key),
            ...others.map(({ key }) => this.store.giveBack(key)),
          ]);
        }
      }
      return outcome;
    } finally {
      release();
    }
  }

  /**
   * Counts the attempt as a failure on every key, or throws `RATE_LIMITED`
   * writing nothing. A refused claim means another attempt changed a counter
   * since it was read: read again and decide again, so every decision is made
   * on the counters it is written over.
   */
  private async claimAttempt(keys: ThrottleKey[]): Promise<void> {
    for (;;) {
      const stored = await this.store.readStored(keys.map(({ key }) => key));
      const now = this.clock.now();
      const counters = keys.map((key, i) => current(key, stored[i], now));
      const retryAt = this.retryAtOf(counters, now);
      if (retryAt !== undefined) {
        throw new AuthError("RATE_LIMITED", { retryAt: Math.ceil(retryAt / 1000) });
      }
      const claims: ThrottleClaim[] = keys.map(({ key }, i) => ({
        key,
        expected: stored[i],
        next: failedOnce(counters[i] as ThrottleCounter, now),
      }));
      if (await this.store.claim(claims)) return;
    }
  }

  /** Forgets the account's failed sign-ins (its owner proved the mailbox by resetting the password). */
  forgetAccount(email: string): Promise<void> {
    return this.store.clear(subjectKey({ kind: "account", email }));
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

/** The counter as it counts at `now`: a missing or expired row is zero failures, in a window opening now. */
function current(
  { key, expireAfterMs, anchor }: ThrottleKey,
  row: ThrottleCounter | undefined,
  now: number,
): ThrottleCounter {
  const anchorAt = row && (anchor === "window_start" ? row.windowStartedAt : row.lastFailureAt);
  if (!row || anchorAt === undefined || now - anchorAt >= expireAfterMs) {
    return { key, failures: 0, windowStartedAt: now, lastFailureAt: 0 };
  }
  return row;
}

/** The counter after one more failure at `now`; a counter at zero opens its window now. */
function failedOnce(counter: ThrottleCounter, now: number): ThrottleCounter {
  return {
    key: counter.key,
    failures: counter.failures + 1,
    windowStartedAt: counter.failures === 0 ? now : counter.windowStartedAt,
    lastFailureAt: now,
  };
}
