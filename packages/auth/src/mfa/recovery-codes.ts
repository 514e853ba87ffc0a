import { createHash, randomBytes } from "node:crypto";

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

/** Crockford-style base32 without look-alikes (no i, l, o, u): easy to read off paper and type. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A fresh set of recovery codes, as shown to the user once: 12 characters of
 * 60 random bits each, grouped `xxxx-xxxx-xxxx`. Only their hashes are kept.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((byte) => ALPHABET[byte % 32]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

/**
 * What is stored of a code: the SHA-256 of its normalized form (case,
 * spaces and dashes as typed do not matter). 60 random bits behind the
 * sign-in throttle leave nothing to brute-force, so a slow hash buys nothing.
 */
export function hashRecoveryCode(code: string): string {
  const normalized = code.toLowerCase().replace(/[\s-]/g, "");
  return createHash("sha256").update(`sesame-recovery:${normalized}`).digest("base64url");
}
