import {
  REQUIRED_CLAIMS,
  readTokenHeader,
  type VerifiedClaims,
  verifyToken,
} from "@sesame/verify/rules";
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
 * unguessable even apart from its signature. The database decides what a
 * token may do, by its SHA-256: a session keeps the hash of its current token
 * only. So a token whose hash is a session's current one is, byte for byte,
 * the token this server signed for it, and checking its signature again
 * proves nothing more (`claimsOfStored`); every other token is verified in
 * full before anything is decided on it (`verify`).
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

  /**
   * Everything `verify` checks except the signature: for a token whose hash
   * the caller has already matched against a stored one, which proves the
   * signature was good when it was issued. The key must still be in the ring
   * (a key removed takes its tokens with it), and the issuer, audience and
   * expiry must still hold. Never decide on these claims without that match.
   */
  claimsOfStored(token: string, nowMs: number): RefreshVerifyResult {
    const header = readTokenHeader(token);
    if (!header || header.typ !== REFRESH_TOKEN.typ) return INVALID;
    const key = this.keys.current().verificationKey(header.kid);
    if (!key || key.alg !== header.alg) return INVALID;
    const claims = readPayload(token);
    if (
      !claims ||
      REQUIRED_CLAIMS.some((name) => claims[name] === undefined) ||
      claims.iss !== this.config.issuer ||
      claims.aud !== REFRESH_TOKEN.audience(this.config) ||
      typeof claims.sub !== "string" ||
      typeof claims.sid !== "string" ||
      typeof claims.jti !== "string" ||
      typeof claims.iat !== "number" ||
      typeof claims.exp !== "number" ||
      claims.iat > toEpochSeconds(nowMs)
    ) {
      return INVALID;
    }
    if (claims.exp <= toEpochSeconds(nowMs)) return { ok: false, failure: "expired" };
    return { ok: true, claims: claims as VerifiedClaims };
  }

  /** The session a token names, read without checking anything: only a key to look the session up by. */
  sessionIdOf(token: string): string | undefined {
    const sid = readPayload(token)?.sid;
    return typeof sid === "string" ? sid : undefined;
  }

  /** Signature, type, issuer, audience and claims. No tolerance: only this server reads them. */
  verify(token: string, nowMs: number): Promise<RefreshVerifyResult> {
    return verifyToken(REFRESH_TOKEN, this.keys.current(), this.config, token, nowMs, 0);
  }
}

const INVALID: RefreshVerifyResult = { ok: false, failure: "invalid" };

/** The payload segment of a compact JWS as an object, or undefined for anything else. */
function readPayload(token: string): Record<string, unknown> | undefined {
  const start = token.indexOf(".") + 1;
  const end = token.indexOf(".", start);
  if (start === 0 || end === -1) return undefined;
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.slice(start, end), "base64url").toString("utf8"),
    );
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
