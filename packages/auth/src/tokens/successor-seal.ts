import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const SALT = "sesame/refresh-successor/v1";

/**
 * Within the reuse grace window the parent of the current refresh token must
 * yield the *same* successor (parallel tabs, a lost response), yet only hashes
 * of tokens are stored. So the successor is kept encrypted under a key derived
 * from the parent token itself: only a holder of the parent can open it, and
 * the database alone reveals nothing.
 */
export function sealSuccessor(parentToken: string, successorToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(parentToken), iv);
  const sealed = Buffer.concat([cipher.update(successorToken, "utf8"), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
}

/** Opens what `sealSuccessor` sealed; undefined if it was not sealed for this parent. */
export function openSuccessor(parentToken: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length < 12 + 16) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(parentToken), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([
      decipher.update(bytes.subarray(12, bytes.length - 16)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return undefined;
  }
}

function deriveKey(parentToken: string): Buffer {
  return Buffer.from(hkdfSync("sha256", parentToken, SALT, "successor-key", 32));
}
