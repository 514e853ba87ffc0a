import type { AuthConfig } from "../auth-config.ts";
import { AuthError } from "../contracts/auth-error.ts";
import { type Role, roleSchema } from "../contracts/outputs.ts";
import type { KeyRing } from "../keys/key-ring.ts";
import { ACCESS_TOKEN } from "./token-kinds.ts";
import { type VerifiedClaims, verifyToken } from "./verify-token.ts";

/** The claims of a verified access token: every Sesame claim and the bearer's role. */
export interface VerifiedAccessClaims extends VerifiedClaims {
  role: Role;
  /** RFC 8176 methods; empty for a token that names none (issued before Sesame set them). */
  amr: string[];
}

/**
 * Verifies an access token by the rules of `verifyToken`, and requires a
 * `role` Sesame knows: callers authorize on it, so a token without one, or
 * with one no Sesame server grants, is refused rather than guessed at. The
 * server and the remote verifier both verify through here, so their rules
 * cannot drift apart. Throws `AuthError` `TOKEN_EXPIRED` for a well-signed
 * token past its `exp`, `TOKEN_INVALID` for anything else.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  config: Pick<AuthConfig, "issuer" | "audience">,
  token: string,
  nowMs: number,
  clockTolerance: number,
): Promise<VerifiedAccessClaims> {
  const result = await verifyToken(ACCESS_TOKEN, ring, config, token, nowMs, clockTolerance);
  if (!result.ok) {
    throw new AuthError(result.failure === "expired" ? "TOKEN_EXPIRED" : "TOKEN_INVALID");
  }
  const role = roleSchema.safeParse(result.claims.role);
  if (!role.success) throw new AuthError("TOKEN_INVALID");
  const amr = result.claims.amr ?? [];
  if (!Array.isArray(amr) || !amr.every((method) => typeof method === "string")) {
    throw new AuthError("TOKEN_INVALID");
  }
  return { ...result.claims, role: role.data, amr };
}
