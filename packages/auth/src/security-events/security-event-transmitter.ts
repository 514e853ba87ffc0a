import type { PollRequest, PollResponse } from "@sesame/verify/rules";
import type { AuthConfig } from "../auth-config.ts";
import type { Clock } from "../clock.ts";
import type { KeyRingSource } from "../keys/key-ring-source.ts";
import type { RevokedSessions } from "../sessions/revoked-sessions.ts";
import type { Revocation } from "../storage.ts";
import { ReceiverStreams } from "./receiver-stream.ts";
import { revocationEventId } from "./revocation-event-id.ts";
import { ReceiverCredentials, type SecurityEventReceiver } from "./security-event-receivers.ts";
import { signSessionRevoked } from "./session-revoked-token.ts";

export interface SecurityEventOptions {
  /** The services that may poll (SECURITY_EVENT_RECEIVERS). None: every poll is refused. */
  receivers: SecurityEventReceiver[];
  /** How long a long poll is held while there is nothing to deliver (ms). Default 25 s. */
  longPollMs?: number;
}

export interface SecurityEventDeps {
  revoked: RevokedSessions;
  keys: KeyRingSource;
  clock: Clock;
  config: Pick<AuthConfig, "issuer" | "accessTokenTtl" | "clockTolerance">;
  log: (line: string) => void;
}

/** A response carries at most this many SETs; `moreAvailable` says when there are more. */
const MAX_EVENTS = 100;
/** Processes of one receiver whose acknowledgements a node keeps (least recently polled dropped). */
const MAX_STREAMS_PER_RECEIVER = 256;
/** While polls wait, how often another process's revocations are looked for (SQLite's catch-up). */
const CATCH_UP_MS = 200;

/**
 * The transmitter of Sesame's revocation feed: every session revocation the
 * core learns of — this process's own, and every other process's through
 * the storage's revocation feed — offered to each configured receiver as a
 * CAEP `session-revoked` SET, by RFC 8936 poll.
 *
 * Only revocations that can still matter are kept and delivered: those whose
 * sessions may still have an unexpired access token (revoked within
 * ACCESS_TOKEN_TTL + CLOCK_TOLERANCE). So a receiver that starts, or polls a
 * node that has just started, gets the recent ones and never the history.
 *
 * Acknowledgements are kept per node, in memory, per (receiver, instance):
 * any node may answer any poll, and a node that never saw an ack delivers
 * the event again. Delivery is therefore at least once; the `jti` of one
 * revocation is the same everywhere, so receivers recognise a duplicate.
 */
export class SecurityEventTransmitter {
  private readonly credentials: ReceiverCredentials;
  private readonly recent = new Map<string, Revocation>();
  /** Per receiver: the jti of each recent revocation, to read acks by. */
  private readonly eventIds = new Map<string, Map<string, string>>();
  private readonly streams = new ReceiverStreams(MAX_STREAMS_PER_RECEIVER);
  private readonly waiters = new Set<() => void>();
  private readonly keepMs: number;
  private readonly longPollMs: number;
  private catchUpTimer: ReturnType<typeof setInterval> | undefined;
  private nextPruneAt = 0;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: SecurityEventDeps,
    options: SecurityEventOptions,
  ) {
    this.credentials = new ReceiverCredentials(options.receivers);
    for (const id of this.credentials.ids) this.eventIds.set(id, new Map());
    this.keepMs = (deps.config.accessTokenTtl + deps.config.clockTolerance) * 1000;
    this.longPollMs = options.longPollMs ?? 25_000;
    // Without receivers nobody may poll: there is nothing to keep.
    this.unsubscribe =
      this.credentials.ids.length > 0
        ? deps.revoked.subscribe((revocation) => this.learn(revocation))
        : () => {};
  }

  /** The receiver a bearer secret belongs to, or undefined (the answer is then 401, with no event). */
  authenticate(secret: string | undefined): string | undefined {
    return this.credentials.authenticate(secret);
  }

  /**
   * One RFC 8936 poll by an authenticated receiver: applies its acks (and
   * `setErrs`, which count as handled: sending a SET the receiver could not
   * process again would not help it, so each is logged for the operator),
   * then answers the pending SETs — at once if there are any or
   * `returnImmediately` is set, else as soon as a revocation arrives, or
   * empty after the long-poll hold. `maxEvents: 0` only acknowledges.
   */
  async poll(
    receiverId: string,
    instance: string,
    request: PollRequest,
    signal?: AbortSignal,
  ): Promise<PollResponse> {
    const now = this.deps.clock.now();
    this.prune(now);
    const stream = this.streams.get(receiverId, instance, now);
    const ids = this.eventIds.get(receiverId) ?? new Map<string, string>();
    for (const jti of request.ack ?? []) {
      const sessionId = ids.get(jti);
      if (sessionId) stream.acknowledged.add(sessionId);
    }
    for (const [jti, error] of Object.entries(request.setErrs ?? {})) {
      const sessionId = ids.get(jti);
      if (sessionId) stream.acknowledged.add(sessionId);
      this.deps.log(
        `Security event receiver ${receiverId} could not process SET ${jti.slice(0, 64)}: ${error.err.slice(0, 64)} ${(error.description ?? "").slice(0, 200)}`,
      );
    }
    const maxEvents = Math.min(request.maxEvents ?? MAX_EVENTS, MAX_EVENTS);
    if (maxEvents === 0) return { sets: {} };

    let pending = this.pendingFor(stream.acknowledged);
    if (pending.length === 0 && request.returnImmediately !== true && !this.closed) {
      await this.nextRevocation(signal);
      pending = this.pendingFor(stream.acknowledged);
    }
    const ring = this.deps.keys.current();
    const issuedAt = this.deps.clock.now();
    const sets: Record<string, string> = {};
    for (const revocation of pending.slice(0, maxEvents)) {
      const jti = revocationEventId(receiverId, revocation);
      sets[jti] = await signSessionRevoked(ring, {
        issuer: this.deps.config.issuer,
        receiverId,
        jti,
        revocation,
        tokensExpireBy: revocation.revokedAt + this.keepMs,
        issuedAt,
      });
    }
    return pending.length > maxEvents ? { sets, moreAvailable: true } : { sets };
  }

  /** Answers every waiting poll and stops listening. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.wakeAll();
  }

  private learn(revocation: Revocation): void {
    if (revocation.revokedAt + this.keepMs <= this.deps.clock.now()) return;
    this.recent.set(revocation.sessionId, revocation);
    for (const [receiverId, ids] of this.eventIds) {
      ids.set(revocationEventId(receiverId, revocation), revocation.sessionId);
    }
    this.wakeAll();
  }

  private pendingFor(acknowledged: ReadonlySet<string>): Revocation[] {
    const now = this.deps.clock.now();
    const pending: Revocation[] = [];
    for (const revocation of this.recent.values()) {
      if (!acknowledged.has(revocation.sessionId) && revocation.revokedAt + this.keepMs > now) {
        pending.push(revocation);
      }
    }
    return pending;
  }

  /** Resolves at the next revocation, after the long-poll hold, when the client goes, or on close. */
  private nextRevocation(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.waiters.delete(done);
        if (this.waiters.size === 0) this.stopCatchingUp();
        resolve();
      };
      const timer = setTimeout(done, this.longPollMs);
      signal?.addEventListener("abort", done);
      this.waiters.add(done);
      this.startCatchingUp();
      if (signal?.aborted) done();
    });
  }

  /** Other processes' revocations reach SQLite's feed only when asked for: ask while polls wait. */
  private startCatchingUp(): void {
    if (this.catchUpTimer) return;
    this.catchUpTimer = setInterval(() => this.deps.revoked.catchUp(), CATCH_UP_MS);
    this.catchUpTimer.unref();
  }

  private stopCatchingUp(): void {
    clearInterval(this.catchUpTimer);
    this.catchUpTimer = undefined;
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private prune(now: number): void {
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + 1_000;
    const expired: string[] = [];
    for (const [sessionId, revocation] of this.recent) {
      if (revocation.revokedAt + this.keepMs > now) continue;
      this.recent.delete(sessionId);
      expired.push(sessionId);
      for (const [receiverId, ids] of this.eventIds) {
        ids.delete(revocationEventId(receiverId, revocation));
      }
    }
    this.streams.forget(expired, now - this.keepMs);
  }
}
