import { type Clock, systemClock } from "../clock.ts";
import { isVerifiableAlgorithm } from "../keys/key-type.ts";
import {
  RevocationFeedFollower,
  type RevocationFeedOptions,
} from "../revocations/revocation-feed-follower.ts";
import { TokenError } from "../token-error.ts";
import { readTokenHeader } from "../tokens/compact-jws.ts";
import { ACCESS_TOKEN } from "../tokens/token-kinds.ts";
import { type VerifiedAccessClaims, verifyAccessToken } from "../tokens/verify-access-token.ts";
import { IssuerDiscovery } from "./issuer-metadata.ts";
import { RemoteKeySet } from "./remote-key-set.ts";

export interface RemoteVerifierOptions {
  /** The Sesame server's issuer (its PUBLIC_URL): the exact `iss` tokens must carry. */
  issuer: string;
  /** The `aud` tokens must carry: the server's JWT_AUDIENCE (default "sesame"). */
  audience: string;
  /** The JWK Set URL; without it, discovered from `${issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
  /**
   * Follow Sesame's feed of session revocations, so a logout is refused here
   * within about a second (`SESSION_REVOKED`). Needs a receiver configured at
   * Sesame (SECURITY_EVENT_RECEIVERS). Without it, a revoked session's tokens
   * are accepted until their `exp`.
   */
  revocations?: RevocationFeedOptions;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 30, as on the server. */
  clockTolerance?: number;
  /** Least time between two key-set fetches. Default 30 s. */
  cooldownMs?: number;
  /** Key-set lifetime when the response has no Cache-Control max-age. Default 5 min. */
  defaultMaxAgeMs?: number;
  /** Cap on the response's max-age. Default 1 h. */
  maxMaxAgeMs?: number;
  /** Per-request timeout of key fetches. Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
}

/**
 * Verifies Sesame access tokens in another service, with no shared secret and
 * no call to Sesame per request: the issuer's public keys are fetched once and
 * cached (see `RemoteKeySet`). The rules are the server's own — the same
 * `readTokenHeader` and `verifyAccessToken`: strict header (no `jwk`, `jku`,
 * `x5u`, `crit`), key chosen by `kid` alone from the fetched set, algorithm
 * pinned to that key's published `alg`, `typ: at+jwt`, exact `iss` and `aud`,
 * every required claim, a known `role`, and the clock tolerance. No URL is
 * ever taken from a token.
 *
 * With `revocations`, it also follows Sesame's feed of revoked sessions and
 * refuses their tokens; without, it cannot see logouts, and a revoked
 * session's token is accepted until its `exp` (10 minutes by default).
 *
 * @example
 * const verifier = createRemoteVerifier({ issuer: "https://id.example.com", audience: "sesame" });
 * const claims = await verifier.verify(token); // throws TokenError TOKEN_INVALID / TOKEN_EXPIRED
 * claims.sub; // the user id
 * claims.role; // "user" or "admin"
 */
export class RemoteVerifier {
  /** The feed of revocations being followed, if `revocations` was given: health and counts. */
  readonly revocations: RevocationFeedFollower | undefined;
  private readonly keys: RemoteKeySet;
  private readonly clock: Clock;
  private readonly clockTolerance: number;
  private fetchCount = 0;

  constructor(private readonly options: RemoteVerifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.clockTolerance = options.clockTolerance ?? 30;
    const fetch = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? 5_000;
    // Discovery and key sets are counted together; polls of the feed are counted by the feed.
    const counted: typeof globalThis.fetch = (input, init) => {
      this.fetchCount += 1;
      return fetch(input, init);
    };
    const discovery = new IssuerDiscovery(options.issuer, { fetch: counted, timeoutMs });
    this.keys = new RemoteKeySet({
      source: options.jwksUri ? { jwksUri: options.jwksUri } : { discovery },
      cooldownMs: options.cooldownMs ?? 30_000,
      defaultMaxAgeMs: options.defaultMaxAgeMs ?? 5 * 60_000,
      maxMaxAgeMs: options.maxMaxAgeMs ?? 60 * 60_000,
      timeoutMs,
      fetch: counted,
      clock: this.clock,
    });
    this.revocations = options.revocations
      ? new RevocationFeedFollower(options.revocations, {
          issuer: options.issuer,
          discovery,
          keysFor: (kid) => this.keys.ringFor(kid),
          clock: this.clock,
          fetch,
          clockTolerance: this.clockTolerance,
        })
      : undefined;
  }

  /**
   * The verified claims of an access token. Throws `TokenError` with
   * `TOKEN_EXPIRED` for a well-signed token past its `exp`, `SESSION_REVOKED`
   * for a well-signed token of a session the feed reported revoked,
   * `TOKEN_INVALID` for anything else wrong with the token, and
   * `RemoteKeysError` if the issuer's keys could never be fetched.
   */
  async verify(token: string): Promise<VerifiedAccessClaims> {
    const header = readTokenHeader(token);
    // Only a token that could be valid may cause a key fetch.
    if (!header || header.typ !== ACCESS_TOKEN.typ || !isVerifiableAlgorithm(header.alg)) {
      throw new TokenError("TOKEN_INVALID");
    }
    const ring = await this.keys.ringFor(header.kid);
    const now = this.clock.now();
    const result = await verifyAccessToken(ring, this.options, token, now, this.clockTolerance);
    if (!result.ok) throw new TokenError(result.code);
    // Only after the signature: a forger learns nothing about which sessions ended.
    if (this.revocations?.isRevoked(result.claims.sid)) throw new TokenError("SESSION_REVOKED");
    return result.claims;
  }

  /** Key-set requests made so far (discovery included), for metrics. */
  get keyFetches(): number {
    return this.fetchCount;
  }

  /** Stops following the feed (nothing else holds a timer or a connection). */
  async close(): Promise<void> {
    await this.revocations?.close();
  }
}

/** Shorthand for `new RemoteVerifier(options)`. */
export const createRemoteVerifier = (options: RemoteVerifierOptions): RemoteVerifier =>
  new RemoteVerifier(options);
