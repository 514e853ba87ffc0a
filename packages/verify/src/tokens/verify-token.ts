import { errors, type JWTPayload, jwtVerify } from "jose";
import type { VerificationKeys } from "../keys/verification-keys.ts";
import { readTokenHeader } from "./compact-jws.ts";
import { REQUIRED_CLAIMS, type TokenAudience, type TokenKind } from "./token-kinds.ts";

/** The claims every verified Sesame token has, typed. */
export interface VerifiedClaims extends JWTPayload {
  iss: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export type VerifyFailure = "invalid" | "expired";

export type VerifyResult =
  | { ok: true; claims: VerifiedClaims }
  | { ok: false; failure: VerifyFailure };

const INVALID: VerifyResult = { ok: false, failure: "invalid" };

/**
 * Verifies a token of one kind: strict header read, key chosen only by `kid`
 * from the ring, algorithm pinned to that key's, `typ`, `iss`, `aud`, every
 * required claim, and time with the configured tolerance (`iat` and `nbf` in
 * the future are refused too). Only a well-signed token past its `exp` is
 * "expired"; every other failure is "invalid", so a forger learns nothing.
 * Sesame's server and every remote verifier check tokens through here.
 */
export async function verifyToken(
  kind: TokenKind,
  ring: VerificationKeys,
  config: TokenAudience,
  token: string,
  nowMs: number,
  clockTolerance: number,
): Promise<VerifyResult> {
  const header = readTokenHeader(token);
  if (!header || header.typ !== kind.typ) return INVALID;
  const key = ring.verificationKey(header.kid);
  if (!key || key.alg !== header.alg) return INVALID;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: kind.typ,
      issuer: config.issuer,
      audience: kind.audience(config),
      requiredClaims: [...REQUIRED_CLAIMS],
      clockTolerance,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    return error instanceof errors.JWTExpired ? { ok: false, failure: "expired" } : INVALID;
  }
  const now = Math.floor(nowMs / 1000);
  if (
    typeof payload.sub !== "string" ||
    typeof payload.sid !== "string" ||
    typeof payload.jti !== "string" ||
    typeof payload.iat !== "number" ||
    payload.iat > now + clockTolerance
  ) {
    return INVALID;
  }
  return { ok: true, claims: payload as VerifiedClaims };
}
