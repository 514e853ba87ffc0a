import type { Role } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { ACCESS_TOKEN, verifyAccessToken } from "@sesame/verify/rules";
import type { AuthConfig } from "../auth-config.ts";
import { type Clock, toEpochSeconds } from "../clock.ts";
import type { IdGenerator } from "../ids.ts";
import type { KeyRing } from "../keys/key-ring.ts";
import type { KeyRingSource } from "../keys/key-ring-source.ts";
import { signToken } from "./sign-token.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";

/** What a verified access token says about its bearer. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
  /** How the session was signed in (RFC 8176), e.g. `["pwd", "otp", "mfa"]`. */
  amr: string[];
  /** Epoch seconds. */
  expiresAt: number;
}

type AccessTokenConfig = Pick<
  AuthConfig,
  "issuer" | "audience" | "accessTokenTtl" | "clockTolerance"
>;

/**
 * Issues and verifies access tokens (RFC 9068 profile: `typ: at+jwt`). Checking
 * one costs no database read; a repeated token costs a map lookup.
 */
export class AccessTokens {
  private readonly cache: VerifiedTokenCache<AccessClaims>;
  private cachedFor: KeyRing | undefined;

  constructor(
    private readonly keys: KeyRingSource,
    private readonly config: AccessTokenConfig,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    cacheSize = 10_000,
  ) {
    this.cache = new VerifiedTokenCache(cacheSize);
  }

  async issue(
    subject: { userId: string; sessionId: string; role: Role; amr: string[] },
    notAfterMs: number,
  ): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = toEpochSeconds(this.clock.now());
    // An access token never outlives its session.
    const expiresAt = Math.min(issuedAt + this.config.accessTokenTtl, toEpochSeconds(notAfterMs));
    const token = await signToken(
      ACCESS_TOKEN,
      this.keys.current(),
      this.config,
      {
        userId: subject.userId,
        sessionId: subject.sessionId,
        extraClaims: { role: subject.role, amr: subject.amr },
      },
      this.ids.id(),
      issuedAt,
      expiresAt,
    );
    return { token, expiresAt };
  }

  /** Verifies signature and claims; throws `TOKEN_INVALID` or `TOKEN_EXPIRED`. Not revocation. */
  async verify(token: string): Promise<AccessClaims> {
    const ring = this.keys.current();
    if (ring !== this.cachedFor) {
      this.cache.clear();
      this.cachedFor = ring;
    }
    const now = this.clock.now();
    const cached = this.cache.get(token, now);
    if (cached) return cached;

    const result = await verifyAccessToken(
      ring,
      this.config,
      token,
      now,
      this.config.clockTolerance,
    );
    if (!result.ok) throw new AuthError(result.code);
    const { claims } = result;
    const verified: AccessClaims = {
      userId: claims.sub,
      sessionId: claims.sid,
      role: claims.role,
      amr: claims.amr,
      expiresAt: claims.exp,
    };
    // jose accepts `exp` up to the tolerance; the cache must not accept longer.
    this.cache.set(token, verified, (claims.exp + this.config.clockTolerance) * 1000, now);
    return verified;
  }

  /** Drops every cached verification (key change, tests). */
  clearCache(): void {
    this.cache.clear();
  }
}
