import { type VerifiedClaims, verifyToken } from "@sesame/verify/rules";
import type { AuthConfig } from "../auth-config.ts";
import { toEpochSeconds } from "../clock.ts";
import type { IdGenerator } from "../ids.ts";
import type { KeyRingSource } from "../keys/key-ring-source.ts";
import { signToken } from "./sign-token.ts";
import { REFRESH_TOKEN } from "./token-kinds.ts";

export type RefreshVerifyResult =
  | { ok: true; claims: VerifiedClaims }
  | { ok: false; failure: "invalid" | "expired" };

type RefreshTokenConfig = Pick<AuthConfig, "issuer" | "audience">;

/**
 * Refresh tokens: JWTs of their own type and audience (`rt+jwt`,
 * `${audience}:refresh`) whose `jti` is 256 random bits, so the token is
 * unguessable even apart from its signature. The signature lets garbage be
 * refused before any database read; the database decides everything else.
 */
export class RefreshTokens {
  constructor(
    private readonly keys: KeyRingSource,
    private readonly config: RefreshTokenConfig,
    private readonly ids: IdGenerator,
  ) {}

  issue(
    subject: { userId: string; sessionId: string },
    issuedAtMs: number,
    expiresAtMs: number,
  ): Promise<string> {
    return signToken(
      REFRESH_TOKEN,
      this.keys.current(),
      this.config,
      subject,
      this.ids.secret(),
      toEpochSeconds(issuedAtMs),
      toEpochSeconds(expiresAtMs),
    );
  }

  /** Signature, type, issuer, audience and claims. No tolerance: only this server reads them. */
  verify(token: string, nowMs: number): Promise<RefreshVerifyResult> {
    return verifyToken(REFRESH_TOKEN, this.keys.current(), this.config, token, nowMs, 0);
  }
}
