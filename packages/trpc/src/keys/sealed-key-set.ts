import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { SigningKeyRecord } from "@sesame/auth";
import { parseKeySet } from "./key-file.ts";

const INFO = "sesame/key-ring/v1";

/**
 * The key set as the database keeps it: AES-256-GCM under a key derived from
 * KEY_ENCRYPTION_SECRET, which never enters the database, so a copy of it
 * holds no usable private key. The same secret on every node opens it.
 */
export class SealedKeySet {
  private readonly key: Buffer;

  constructor(keyEncryptionSecret: Uint8Array) {
    this.key = Buffer.from(hkdfSync("sha256", keyEncryptionSecret, new Uint8Array(0), INFO, 32));
  }

  seal(records: SigningKeyRecord[]): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify({ keys: records })), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  }

  open(sealed: string): SigningKeyRecord[] {
    const bytes = Buffer.from(sealed, "base64url");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const json = Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString("utf8");
      return parseKeySet(json, "the key ring in the database");
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("the key ring")) throw error;
      throw new Error(
        "The key ring in the database does not open with this KEY_ENCRYPTION_SECRET: every node needs the same one.",
      );
    }
  }
}
