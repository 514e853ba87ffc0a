import { createHash } from "node:crypto";

/**
 * The only form in which a refresh token is stored and looked up (RFC 9700
 * §4.14): a database leak yields no usable token. SHA-256 is enough because the
 * token carries 256 random bits, so there is nothing to brute-force.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
