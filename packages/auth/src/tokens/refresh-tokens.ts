import {
  keyForToken,
  REQUIRED_CLAIMS,
  sesameClaims,
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
   * The token's payload and the session it names, read without checking
   * anything: only a key to look the session up by, and what
   * `claimsOfStored` goes on from. Undefined for what is not a compact JWS
   * with a JSON object payload.
   */
  peek(token: string): PeekedRefreshToken | undefined {
    const payload = readPayload(token);
    if (!payload) return undefined;
    return { token, payload, sessionId: typeof payload.sid === "string" ? payload.sid : undefined };
  }

  /**
   * Everything `verify` checks except the signature: for a token whose hash
   * the caller has already matched against a stored one, which proves the
   * signature was good when it was issued. The key must still be in the ring
   * (a key removed takes its tokens with it), and the issuer, audience,
   * required claims and expiry must still hold, as jose checks them in
   * `verify`; the rest is verify's own rule (`sesameClaims`). Never decide
   * on these claims without that match.
   */
  claimsOfStored(peeked: PeekedRefreshToken, nowMs: number): RefreshVerifyResult {
    if (!keyForToken(REFRESH_TOKEN, this.keys.current(), peeked.token)) return INVALID;
    const { payload } = peeked;
    if (
      REQUIRED_CLAIMS.some((name) => payload[name] === undefined) ||
      payload.iss !== this.config.issuer ||
      payload.aud !== REFRESH_TOKEN.audience(this.config) ||
      typeof payload.exp !== "number"
    ) {
      return INVALID;
    }
    const claims = sesameClaims(payload, nowMs, 0);
    if (!claims) return INVALID;
    if (payload.exp <= toEpochSeconds(nowMs)) return { ok: false, failure: "expired" };
    return claims;
  }

  /** Signature, type, issuer, audience and claims. No tolerance: only this server reads them. */
  verify(token: string, nowMs: number): Promise<RefreshVerifyResult> {
    return verifyToken(REFRESH_TOKEN, this.keys.current(), this.config, token, nowMs, 0);
  }
}

/** A refresh token as `peek` read it: nothing about it is checked yet. */
export interface PeekedRefreshToken {
  token: string;
  payload: Record<string, unknown>;
  sessionId: string | undefined;
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
