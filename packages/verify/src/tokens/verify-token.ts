import { errors, type JWTPayload, jwtVerify } from "jose";
import type { VerificationKey, VerificationKeys } from "../keys/verification-keys.ts";
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
  const key = keyForToken(kind, ring, token);
  if (!key) return INVALID;
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
  return sesameClaims(payload, nowMs, clockTolerance) ?? INVALID;
}

/**
 * The ring's key for a token of `kind`, chosen before any signature is
 * checked: a strict header (compact-jws.ts) of the kind's `typ`, the key by
 * `kid` alone, and the header's `alg` that key's own (never the token's
 * choice). Undefined refuses the token.
 */
export function keyForToken(
  kind: TokenKind,
  ring: VerificationKeys,
  token: string,
): VerificationKey | undefined {
  const header = readTokenHeader(token);
  if (!header || header.typ !== kind.typ) return undefined;
  const key = ring.verificationKey(header.kid);
  return key && key.alg === header.alg ? key : undefined;
}

/**
 * What Sesame asks of a payload beyond the registered claims jose checks:
 * `sub`, `sid` and `jti` strings, and an `iat` that is a number not in the
 * future. The claims typed, or undefined to refuse.
 */
export function sesameClaims(
  payload: JWTPayload,
  nowMs: number,
  clockTolerance: number,
): { ok: true; claims: VerifiedClaims } | undefined {
  if (
    typeof payload.sub !== "string" ||
    typeof payload.sid !== "string" ||
    typeof payload.jti !== "string" ||
    typeof payload.iat !== "number" ||
    payload.iat > Math.floor(nowMs / 1000) + clockTolerance
  ) {
    return undefined;
  }
  return { ok: true, claims: payload as VerifiedClaims };
}
