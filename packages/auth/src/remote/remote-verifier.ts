import { type Clock, systemClock } from "../clock.ts";
import { AuthError } from "../contracts/auth-error.ts";
import { readTokenHeader } from "../tokens/compact-jws.ts";
import { ACCESS_TOKEN } from "../tokens/token-kinds.ts";
import { type VerifiedAccessClaims, verifyAccessToken } from "../tokens/verify-access-token.ts";
import { RemoteKeySet } from "./remote-key-set.ts";
import { VERIFIABLE_ALGORITHMS } from "./usable-jwks.ts";

export interface RemoteVerifierOptions {
  /** The Sesame server's issuer (its PUBLIC_URL): the exact `iss` tokens must carry. */
  issuer: string;
  /** The `aud` tokens must carry: the server's JWT_AUDIENCE (default "sesame"). */
  audience: string;
  /** The JWK Set URL; without it, discovered from `${issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
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
 * It cannot see logouts: a revoked session's access token is accepted until
 * its `exp` (10 minutes by default). That is the price of stateless tokens.
 *
 * @example
 * const verifier = createRemoteVerifier({ issuer: "https://id.example.com", audience: "sesame" });
 * const claims = await verifier.verify(token); // throws AuthError TOKEN_INVALID / TOKEN_EXPIRED
 * claims.sub; // the user id
 * claims.role; // "user" or "admin"
 */
export class RemoteVerifier {
  private readonly keys: RemoteKeySet;
  private readonly clock: Clock;
  private readonly clockTolerance: number;

  constructor(private readonly options: RemoteVerifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.clockTolerance = options.clockTolerance ?? 30;
    this.keys = new RemoteKeySet({
      source: options.jwksUri ? { jwksUri: options.jwksUri } : { issuer: options.issuer },
      cooldownMs: options.cooldownMs ?? 30_000,
      defaultMaxAgeMs: options.defaultMaxAgeMs ?? 5 * 60_000,
      maxMaxAgeMs: options.maxMaxAgeMs ?? 60 * 60_000,
      timeoutMs: options.timeoutMs ?? 5_000,
      fetch: options.fetch ?? globalThis.fetch,
      clock: this.clock,
    });
  }

  /**
   * The verified claims of an access token. Throws `AuthError` with
   * `TOKEN_EXPIRED` for a well-signed token past its `exp`, `TOKEN_INVALID` for
   * anything else wrong with the token, and `RemoteKeysError` if the issuer's
   * keys could never be fetched.
   */
  async verify(token: string): Promise<VerifiedAccessClaims> {
    const header = readTokenHeader(token);
    // Only a token that could be valid may cause a key fetch.
    if (!header || header.typ !== ACCESS_TOKEN.typ || !VERIFIABLE_ALGORITHMS.has(header.alg)) {
      throw new AuthError("TOKEN_INVALID");
    }
    const ring = await this.keys.ringFor(header.kid);
    return verifyAccessToken(ring, this.options, token, this.clock.now(), this.clockTolerance);
  }

  /** Key-set requests made so far (discovery included), for metrics. */
  get keyFetches(): number {
    return this.keys.fetches;
  }
}

/** Shorthand for `new RemoteVerifier(options)`. */
export const createRemoteVerifier = (options: RemoteVerifierOptions): RemoteVerifier =>
  new RemoteVerifier(options);
