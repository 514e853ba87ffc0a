import type { VerificationKeys } from "../keys/verification-keys.ts";
import { ACCESS_TOKEN, type TokenAudience } from "./token-kinds.ts";
import { type VerifiedClaims, verifyToken } from "./verify-token.ts";

/** The roles a Sesame server grants (its contract's `roleSchema`); a token with any other is refused. */
export const SESAME_ROLES = ["user", "admin"] as const;
export type SesameRole = (typeof SESAME_ROLES)[number];

/** The claims of a verified access token: every Sesame claim and the bearer's role. */
export interface VerifiedAccessClaims extends VerifiedClaims {
  role: SesameRole;
  /** RFC 8176 methods; empty for a token that names none (issued before Sesame set them). */
  amr: string[];
}

export type AccessTokenResult =
  | { ok: true; claims: VerifiedAccessClaims }
  | { ok: false; code: "TOKEN_INVALID" | "TOKEN_EXPIRED" };

const isSesameRole = (role: unknown): role is SesameRole =>
  (SESAME_ROLES as readonly unknown[]).includes(role);

/**
 * Verifies an access token by the rules of `verifyToken`, and requires a
 * `role` Sesame knows: callers authorize on it, so a token without one, or
 * with one no Sesame server grants, is refused rather than guessed at. The
 * server and the remote verifier both verify through here, so their rules
 * cannot drift apart; each turns a failure's code into its own error.
 * `TOKEN_EXPIRED` is only ever a well-signed token past its `exp`.
 */
export async function verifyAccessToken(
  ring: VerificationKeys,
  config: TokenAudience,
  token: string,
  nowMs: number,
  clockTolerance: number,
): Promise<AccessTokenResult> {
  const result = await verifyToken(ACCESS_TOKEN, ring, config, token, nowMs, clockTolerance);
  if (!result.ok) {
    return { ok: false, code: result.failure === "expired" ? "TOKEN_EXPIRED" : "TOKEN_INVALID" };
  }
  const { role } = result.claims;
  const amr = result.claims.amr ?? [];
  if (
    !isSesameRole(role) ||
    !Array.isArray(amr) ||
    !amr.every((method) => typeof method === "string")
  ) {
    return { ok: false, code: "TOKEN_INVALID" };
  }
  return { ok: true, claims: { ...result.claims, role, amr } };
}
