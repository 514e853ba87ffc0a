import { openAesGcm, sealAesGcm } from "../crypto/aes-gcm.ts";
import {
  type TotpEncryptionKey,
  type TotpKeySecret,
  totpEncryptionKey,
} from "./totp-encryption-key.ts";

/** What opening a sealed TOTP secret found. */
export type OpenedTotpSecret =
  /** `stale`: sealed under a previous key, to be sealed again under the current one. */
  | { kind: "opened"; secret: string; stale: boolean }
  /**
   * Sealed under a key that is not configured: `keyId` names it, or is
   * null for a value sealed before values named their key (under a server
   * secret none of the configured keys is).
   */
  | { kind: "key_missing"; keyId: string | null }
  /** The key it names is configured and does not open it: altered, or moved from another account. */
  | { kind: "invalid"; keyId: string };

/** The keys of a TotpSecretBox, as configured: the current one, and those secrets may still be sealed under. */
export interface TotpEncryptionKeys {
  /** New secrets are sealed under it. Default: the server secret. */
  current?: TotpKeySecret;
  /** Keys secrets sealed earlier may be under, until they are sealed again under the current one. */
  previous?: readonly TotpKeySecret[];
}

/** Separates the key id from the sealed bytes; base64url never contains it, so a value without one is from before ids. */
const KEY_ID_SEPARATOR = ".";

/**
 * TOTP secrets at rest: AES-256-GCM bound to their account, so a copy of the
 * database yields no secret and a row moved to another account opens
 * nothing, under keys that can be rotated. A sealed value names the key that
 * sealed it (`<key id>.<sealed>`); sealing always uses the current key, and
 * opening uses the named key among the current and previous ones, reporting
 * a value under a previous key as stale so the caller seals it again. Once
 * no value is under a previous key, that key can be dropped from the
 * configuration. Values sealed before keys had ids (by the server secret's
 * key) are tried under every configured key.
 */
export class TotpSecretBox {
  private readonly current: TotpEncryptionKey;
  /** The current key first, then the previous ones in the order configured. */
  private readonly keys: readonly TotpEncryptionKey[];

  constructor(serverSecret: Uint8Array, configured: TotpEncryptionKeys = {}) {
    const keyOf = (secret: TotpKeySecret) =>
      totpEncryptionKey(secret === "server-secret" ? serverSecret : secret);
    this.current = keyOf(configured.current ?? "server-secret");
    this.keys = [this.current, ...(configured.previous ?? []).map(keyOf)];
  }

  /** The id of the key new secrets are sealed under (for operators: never key material). */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(userId: string, secret: string): string {
    return `${this.current.id}${KEY_ID_SEPARATOR}${sealAesGcm(this.current.key, secret, userId)}`;
  }

  open(userId: string, sealed: string): OpenedTotpSecret {
    const separator = sealed.indexOf(KEY_ID_SEPARATOR);
    const keyId = separator === -1 ? null : sealed.slice(0, separator);
    const body = separator === -1 ? sealed : sealed.slice(separator + 1);
    // Ids are short and derived, so two keys could share one: each is tried.
    const candidates =
      keyId === null ? this.keys : this.keys.filter((candidate) => candidate.id === keyId);
    if (candidates.length === 0) return { kind: "key_missing", keyId };
    for (const candidate of candidates) {
      const secret = openAesGcm(candidate.key, body, userId);
      if (secret !== undefined) {
        // A value from before ids is stale even under the current key: sealing it again names the key.
        return { kind: "opened", secret, stale: candidate !== this.current || keyId === null };
      }
    }
    return keyId === null ? { kind: "key_missing", keyId } : { kind: "invalid", keyId };
  }
}
