import { randomBytes } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { VerificationKeys } from "../keys/verification-keys.ts";
import { readLimited } from "../remote/fetch-json.ts";
import type { IssuerDiscovery } from "../remote/issuer-metadata.ts";
import { RevokedSessionIds } from "./revoked-session-ids.ts";
import {
  type PollRequest,
  RECEIVER_INSTANCE_HEADER,
  type SetError,
} from "./security-event-vocabulary.ts";
import { verifySessionRevoked } from "./verify-session-revoked.ts";

export interface RevocationFeedOptions {
  /** This service's receiver id at Sesame (SECURITY_EVENT_RECEIVERS): the `aud` of its SETs. */
  receiverId: string;
  /** Its secret, sent as `Authorization: Bearer` to the poll endpoint and nowhere else. */
  secret: string;
  /** The poll endpoint; without it, discovered from the issuer's metadata. */
  endpoint?: string;
  /** Most SETs per response. Default 100. */
  maxEvents?: number;
  /** How long a poll may take before it is abandoned and sent again; above Sesame's hold (25 s). Default 40 s. */
  pollTimeoutMs?: number;
  /** First wait after a failure; it doubles up to `retryMaxMs`. Default 500 ms. */
  retryMinMs?: number;
  /** Default 30 s. */
  retryMaxMs?: number;
  /** Told of every failed poll and every refused SET; the default is silence, as failing open is the design. */
  onError?: (error: Error) => void;
}

export interface RevocationFeedDeps {
  issuer: string;
  discovery: IssuerDiscovery;
  keysFor: (kid: string) => Promise<VerificationKeys>;
  clock: Clock;
  fetch: typeof globalThis.fetch;
  clockTolerance: number;
}

/** A poll answered with nothing, fast, waits this long before the next: a feed can never spin. */
const MIN_EMPTY_POLL_MS = 250;
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Tries of a SET whose key is unknown before it is refused: with the backoff, past a key-set cool-down. */
const UNKNOWN_KEY_ATTEMPTS = 8;

/**
 * Follows Sesame's revocation feed: an RFC 8936 long poll, held open by
 * Sesame until a session is revoked, so a logout reaches this service within
 * a round trip, with no call to Sesame per request. Each SET is verified
 * with the issuer's published keys (the verifier's own key set), its session
 * remembered until its tokens would have expired anyway, and its `jti`
 * acknowledged in the next poll; a SET that fails verification is reported
 * in `setErrs` instead.
 *
 * Failing open, on purpose: when the feed cannot be reached, polls are
 * retried with backoff (500 ms doubling to 30 s) and tokens keep being
 * verified as usual. A feed outage then costs what every Sesame deployment
 * had before the feed (a revoked session's tokens work until their `exp`, at
 * most ACCESS_TOKEN_TTL), never an outage of every service that trusts Sesame.
 */
export class RevocationFeedFollower {
  /** Resolves once the first poll has brought the recent revocations (never rejects). */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => {};
  private readonly revoked = new RevokedSessionIds();
  private readonly instance = randomBytes(12).toString("base64url");
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;
  private acks: string[] = [];
  private setErrs: Record<string, SetError> = {};
  private readonly unknownKeyAttempts = new Map<string, number>();
  private pollCount = 0;
  private failureCount = 0;
  private lastSuccess: number | undefined;

  constructor(
    private readonly options: RevocationFeedOptions,
    private readonly deps: RevocationFeedDeps,
  ) {
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
    this.loop = this.run();
  }

  /** Whether a session was revoked and its tokens could still be unexpired. Memory only. */
  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId, this.deps.clock.now());
  }

  /** Polls sent so far, failed ones included. */
  get polls(): number {
    return this.pollCount;
  }

  /** Consecutive failed polls: 0 while the feed is healthy. */
  get failures(): number {
    return this.failureCount;
  }

  /** When a poll last succeeded (epoch ms), for a health check. */
  get lastSuccessAt(): number | undefined {
    return this.lastSuccess;
  }

  /** Revoked sessions remembered now. */
  get revokedSessions(): number {
    return this.revoked.size;
  }

  /** Stops polling, abandoning the poll in flight. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let returnImmediately = true;
    while (!this.stopping.signal.aborted) {
      const startedAt = Date.now();
      try {
        const response = await this.poll(returnImmediately);
        const delivered = Object.entries(response.sets);
        for (const [jti, set] of delivered) await this.receive(jti, set);
        this.failureCount = 0;
        this.lastSuccess = this.deps.clock.now();
        this.markSynced();
        // What is acknowledged goes out at once; so does the rest of a long backlog.
        returnImmediately = response.moreAvailable === true;
        if (delivered.length === 0 && !returnImmediately) {
          await this.pause(MIN_EMPTY_POLL_MS - (Date.now() - startedAt));
        }
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        this.failureCount += 1;
        this.options.onError?.(asError(error));
        await this.pause(this.retryDelay());
        returnImmediately = true;
      }
    }
  }

  private async poll(returnImmediately: boolean): Promise<{
    sets: Record<string, unknown>;
    moreAvailable?: unknown;
  }> {
    this.pollCount += 1;
    const endpoint = await this.endpoint();
    const request: PollRequest = {
      ack: this.acks,
      ...(Object.keys(this.setErrs).length > 0 ? { setErrs: this.setErrs } : {}),
      maxEvents: this.options.maxEvents ?? 100,
      returnImmediately,
    };
    const abort = new AbortController();
    const stop = () => abort.abort();
    const timer = setTimeout(stop, this.options.pollTimeoutMs ?? 40_000);
    this.stopping.signal.addEventListener("abort", stop);
    try {
      return await this.send(endpoint, request, abort.signal);
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener("abort", stop);
    }
  }

  private async send(
    endpoint: string,
    request: PollRequest,
    signal: AbortSignal,
  ): Promise<{ sets: Record<string, unknown>; moreAvailable?: unknown }> {
    const response = await this.deps.fetch(endpoint, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.options.secret}`,
        "content-type": "application/json",
        accept: "application/json",
        [RECEIVER_INSTANCE_HEADER]: this.instance,
      },
      body: JSON.stringify(request),
      redirect: "error",
      signal,
    });
    if (response.status !== 200) {
      const detail = (await readLimited(response, 4096).catch(() => "")).slice(0, 200);
      throw new Error(`The revocation feed answered ${response.status}: ${detail}`);
    }
    // Sesame applied the acknowledgements on receipt: they are not sent again.
    this.acks = [];
    this.setErrs = {};
    const body = JSON.parse(await readLimited(response, MAX_RESPONSE_BYTES)) as unknown;
    const sets = (body as { sets?: unknown } | null)?.sets;
    if (typeof sets !== "object" || sets === null || Array.isArray(sets)) {
      throw new Error("The revocation feed answered without a sets object.");
    }
    return {
      sets: sets as Record<string, unknown>,
      moreAvailable: (body as { moreAvailable?: unknown }).moreAvailable,
    };
  }

  /**
   * Verifies one SET and remembers its session, or reports it in `setErrs`.
   * Throws (the poll is retried after a backoff, this SET unacknowledged)
   * while the issuer's keys cannot be fetched, or for a key not yet known a
   * few times over, so a SET signed by a key promoted a moment ago waits for
   * the next key fetch instead of being refused and lost.
   */
  private async receive(jti: string, set: unknown): Promise<void> {
    const { issuer, clock, clockTolerance, keysFor } = this.deps;
    const result =
      typeof set === "string"
        ? await verifySessionRevoked(
            keysFor,
            { issuer, receiverId: this.options.receiverId, jti },
            set,
            clock.now(),
            clockTolerance,
          )
        : { ok: false as const, error: { err: "invalid_request", description: "Not a string." } };
    if (!result.ok && "unknownKey" in result && result.unknownKey) {
      const attempts = (this.unknownKeyAttempts.get(jti) ?? 0) + 1;
      this.unknownKeyAttempts.set(jti, attempts);
      if (attempts < UNKNOWN_KEY_ATTEMPTS) throw new Error(`SET ${jti} names an unknown key.`);
    }
    this.unknownKeyAttempts.delete(jti);
    if (!result.ok) {
      this.setErrs[jti] = result.error;
      this.options.onError?.(new Error(`Refused SET ${jti}: ${result.error.description}`));
      return;
    }
    if (result.revocation) {
      // This receiver's own tolerance on `exp` keeps a token alive that much longer here.
      const { sessionId, tokensExpireBy } = result.revocation;
      this.revoked.add(sessionId, tokensExpireBy + clockTolerance * 1000);
    }
    this.acks.push(jti);
  }

  private async endpoint(): Promise<string> {
    if (this.options.endpoint) return this.options.endpoint;
    const { securityEventPollEndpoint } = await this.deps.discovery.load();
    if (!securityEventPollEndpoint) {
      throw new Error(`${this.deps.issuer} advertises no security event poll endpoint.`);
    }
    return securityEventPollEndpoint;
  }

  private retryDelay(): number {
    const min = this.options.retryMinMs ?? 500;
    const max = this.options.retryMaxMs ?? 30_000;
    const base = Math.min(max, min * 2 ** Math.min(this.failureCount - 1, 16));
    // Half fixed, half random: receivers restarted together do not poll in lockstep.
    return base / 2 + Math.random() * (base / 2);
  }

  private pause(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done);
    });
  }
}

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));
