import { createHmac, hkdfSync } from "node:crypto";

/** The HKDF label of the AES key: the one every sealed TOTP secret has used since the first release. */
const KEY_INFO = "sesame/totp-secret/v1";
const KEY_ID_INFO = "sesame/totp-key-id/v1";
/** 48 bits: a name among the few keys of one deployment, not a secret and not a security boundary. */
const KEY_ID_CHARS = 8;
const MIN_SECRET_BYTES = 32;

/**
 * Where a TOTP encryption key comes from: its own secret (`TOTP_ENCRYPTION_KEY`,
 * an entry of `TOTP_ENCRYPTION_KEYS_PREVIOUS`), or `"server-secret"`, the
 * server secret, which keyed every secret before a key of its own could be
 * configured and still does by default.
 */
export type TotpKeySecret = Uint8Array | "server-secret";

/** An AES-256 key for TOTP secrets and the short id sealed values name it by. */
export interface TotpEncryptionKey {
  /** 8 base64url characters, derived from the key: nothing to configure, and it cannot drift from the key. */
  id: string;
  key: Buffer;
}

/**
 * The key a secret of at least 32 bytes stands for. The server secret goes
 * through the same derivation as ever, so values sealed by earlier releases
 * open under it, and an old server secret named as a previous key opens
 * what was sealed under it.
 */
export function totpEncryptionKey(secret: Uint8Array): TotpEncryptionKey {
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`A TOTP encryption key must be at least ${MIN_SECRET_BYTES} bytes.`);
  }
  const key = Buffer.from(hkdfSync("sha256", secret, new Uint8Array(0), KEY_INFO, 32));
  const id = createHmac("sha256", key)
    .update(KEY_ID_INFO)
    .digest("base64url")
    .slice(0, KEY_ID_CHARS);
  return { id, key };
}
