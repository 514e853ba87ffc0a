import type { AuthCode, User } from "@sesame/contracts";
import { type AccessGrant, keptGrant } from "./access-grant.ts";
import { authCodeOf, SESSION_ENDED_CODES } from "./auth-codes.ts";
import { inProcessLock } from "./in-process-lock.ts";
import type { LockManager, SessionChannel, SessionHint, Timers } from "./primitives.ts";
import { proactiveRefreshDelay } from "./proactive-refresh-delay.ts";
import { isSessionMessage, type SessionMessage } from "./session-message.ts";
import { SignedOutError } from "./signed-out-error.ts";

/** Why the user is looking at the login page: an `authCode`, their own sign-out, or no server. */
export type SignOutCode = AuthCode | "SIGNED_OUT" | "UNREACHABLE";

export interface SignOutReason {
  code: SignOutCode;
  /** True when another tab found out (or the user signed out there). */
  elsewhere: boolean;
}

export type AuthState =
  | { status: "restoring" }
  /**
   * `generation` changes whenever a new login replaces the session this tab
   * was showing; `user` is whom it belongs to, as the last sign-in or
   * refresh said (null where the grants carry none), and a refresh that
   * brings a changed user makes a new state of the same generation.
   */
  | { status: "signed-in"; generation: number; user: User | null }
  /** `reason` is null for a visitor who simply has no session yet. */
  | { status: "signed-out"; reason: SignOutReason | null };

export interface AuthSessionOptions {
  /** Exchanges the refresh token for a new grant (`auth.refresh`; in a browser the cookie does it). */
  refresh: () => Promise<AccessGrant>;
  /** Ends the session on the server (`auth.logout`). Runs holding the lock, so it must not use `authLink`. */
  logout: () => Promise<unknown>;
  /** Serializes refreshes across tabs; defaults to one realm only. */
  lock?: LockManager;
  /** Tells other tabs about new grants and sign-outs; defaults to none. */
  channel?: SessionChannel<unknown>;
  /** Whether a session may exist, so a visitor without one costs no request; defaults to always asking. */
  hint?: SessionHint;
  timers?: Timers;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** How long before expiry to refresh proactively (at most 20% of a token's life is given up). */
  refreshAheadSeconds?: number;
  lockName?: string;
}

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const silentChannel: SessionChannel<unknown> = { post: () => {}, subscribe: () => () => {} };
const alwaysAsk: SessionHint = { mayBeSignedIn: () => true, remember: () => {} };

/**
 * The client side of a Sesame session: holds the access token in memory,
 * refreshes it shortly before it expires and whenever the server says it
 * expired — once for all concurrent callers and, through the lock, once for
 * all tabs — and keeps every tab signed in or out together.
 *
 * The server rotates the refresh token on every use and treats a spent one
 * as theft, so a tab that waited for the lock first checks whether another
 * tab's fresh grant has arrived before it spends the cookie again.
 *
 * In a browser, `createSesameClient` (`@sesame/client/trpc`) builds one
 * with the calls and the browser's primitives filled in.
 *
 * @example
 * const session = new AuthSession({
 *   refresh: () => tokens.mutation("auth.refresh"),
 *   logout: () => tokens.mutation("auth.logout"),
 *   lock: webLocks(),
 *   channel: broadcastChannel("sesame-session"),
 * });
 * await session.restore();
 */
export class AuthSession {
  private grant: AccessGrant | null = null;
  private state: AuthState = { status: "restoring" };
  private inflight: Promise<string> | undefined;
  private generation = 0;
  private timer: unknown;
  private readonly listeners = new Set<() => void>();
  private readonly lock: LockManager;
  private readonly channel: SessionChannel<unknown>;
  private readonly hint: SessionHint;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly aheadMs: number;
  private readonly lockName: string;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: AuthSessionOptions) {
    this.lock = options.lock ?? inProcessLock();
    this.channel = options.channel ?? silentChannel;
    this.hint = options.hint ?? alwaysAsk;
    this.timers = options.timers ?? {
      setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.now = options.now ?? Date.now;
    this.aheadMs = (options.refreshAheadSeconds ?? 30) * 1000;
    this.lockName = options.lockName ?? "sesame-refresh";
    this.unsubscribe = this.channel.subscribe((message) => {
      if (isSessionMessage(message)) this.receive(message);
    });
  }

  /** For `useSyncExternalStore`: the same object until the state changes. */
  readonly getState = (): AuthState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get accessToken(): string | undefined {
    return this.grant?.accessToken;
  }

  /** The signed-in user as the server last described them; null when signed out or unknown. */
  get user(): User | null {
    return this.grant?.user ?? null;
  }

  /**
   * At start (a reload, a new tab): one refresh through the cookie. Without a
   * cookie the visitor is simply signed out, with no reason to show; when the
   * hint says this browser holds no session, without asking the server at all.
   */
  async restore(): Promise<void> {
    if (!this.hint.mayBeSignedIn()) return this.end(null, false);
    await this.refresh().catch(() => {});
  }

  /** After `auth.login` or `auth.register`: every tab is now signed in, to this new session. */
  signIn(result: AccessGrant): void {
    const grant = keptGrant(result);
    this.adopt(grant, true);
    this.channel.post({ type: "signed-in", grant, fresh: true } satisfies SessionMessage);
  }

  /**
   * A token other than `staleToken`, refreshing if there is none: concurrent
   * callers share one refresh, and tabs take turns through the lock.
   */
  refresh(staleToken?: string): Promise<string> {
    this.inflight ??= this.lock
      .withLock(this.lockName, () => this.refreshHoldingLock(staleToken))
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Ends the session on the server and signs out every tab. */
  async logout(): Promise<void> {
    await this.lock.withLock(this.lockName, async () => {
      try {
        await this.options.logout();
      } catch (error) {
        // An answer with a code (already revoked, no cookie) means there is no session left to end.
        if (authCodeOf(error) === undefined) throw error;
      }
      this.end({ code: "SIGNED_OUT", elsewhere: false }, true);
    });
  }

  /** Forgets the session here and in every tab: after `auth.logoutAll`, or when a call says it ended. */
  endSession(code: SignOutCode): void {
    this.end({ code, elsewhere: false }, true);
  }

  /** Stops timers and listening; for tests and apps that tear the client down. */
  dispose(): void {
    this.timers.clearTimeout(this.timer);
    this.unsubscribe();
    this.listeners.clear();
  }

  private async refreshHoldingLock(staleToken: string | undefined): Promise<string> {
    // Another tab may have refreshed while this one waited: its grant came over the channel.
    if (this.grant && this.grant.accessToken !== staleToken) return this.grant.accessToken;
    if (this.state.status === "signed-out") throw new SignedOutError();
    let grant: AccessGrant;
    try {
      grant = keptGrant(await this.options.refresh());
    } catch (error) {
      this.refreshFailed(authCodeOf(error));
      throw error;
    }
    this.adopt(grant, false);
    this.channel.post({ type: "signed-in", grant, fresh: false } satisfies SessionMessage);
    return grant.accessToken;
  }

  private refreshFailed(code: AuthCode | undefined): void {
    const ended = code !== undefined && SESSION_ENDED_CODES.has(code);
    if (this.state.status === "restoring") {
      // No cookie at start is a visitor, not an incident; nothing to tell other tabs.
      if (code === "TOKEN_MISSING") this.end(null, false);
      else this.end({ code: code ?? "UNREACHABLE", elsewhere: false }, ended);
    } else if (ended) {
      // A network failure or RATE_LIMITED leaves the session alive: the call fails, the next may work.
      this.end({ code, elsewhere: false }, true);
    }
  }

  private receive(message: SessionMessage): void {
    if (message.type === "signed-in") {
      const newer =
        !this.grant || message.grant.accessTokenExpiresAt >= this.grant.accessTokenExpiresAt;
      if (message.fresh || newer) this.adopt(message.grant, message.fresh);
      return;
    }
    this.end({ code: message.code as SignOutCode, elsewhere: true }, false);
  }

  private adopt(grant: AccessGrant, newSession: boolean): void {
    this.grant = grant;
    this.hint.remember(true);
    this.scheduleRefresh(grant);
    const user = grant.user ?? null;
    if (newSession || this.state.status !== "signed-in") {
      this.setState({ status: "signed-in", generation: ++this.generation, user });
    } else if (!sameUser(this.state.user, user)) {
      this.setState({ status: "signed-in", generation: this.state.generation, user });
    }
  }

  private end(reason: SignOutReason | null, broadcast: boolean): void {
    this.grant = null;
    this.timers.clearTimeout(this.timer);
    // Only a session known to be over clears the hint: after a network failure or RATE_LIMITED the cookie may still work.
    if (
      reason === null ||
      reason.code === "SIGNED_OUT" ||
      SESSION_ENDED_CODES.has(reason.code as AuthCode)
    ) {
      this.hint.remember(false);
    }
    // The first reason is the one to show: later failures are its consequences.
    if (this.state.status === "signed-out") return;
    this.setState({ status: "signed-out", reason });
    if (broadcast && reason) {
      this.channel.post({ type: "signed-out", code: reason.code } satisfies SessionMessage);
    }
  }

  private scheduleRefresh(grant: AccessGrant): void {
    this.timers.clearTimeout(this.timer);
    const delayMs = proactiveRefreshDelay(grant.accessTokenExpiresAt, this.now(), this.aheadMs);
    if (delayMs === undefined) return;
    // Timers fire at once for a delay past 2^31 - 1 ms (24.8 days): a longer-lived token waits in steps.
    if (delayMs > MAX_TIMER_DELAY_MS) {
      this.timer = this.timers.setTimeout(() => this.scheduleRefresh(grant), MAX_TIMER_DELAY_MS);
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      // A failure here is handled where it matters: an ended session signs out, anything else retries on the next call.
      this.refresh(grant.accessToken).catch(() => {});
    }, delayMs);
  }

  private setState(state: AuthState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Whether a refresh brought news about the user (a new name, a verified
 * address). Both come from the same server's serializer, so their members
 * are in the same order and the JSON texts compare.
 */
function sameUser(a: User | null, b: User | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
