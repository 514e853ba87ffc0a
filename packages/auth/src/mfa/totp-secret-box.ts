import { hkdfSync } from "node:crypto";
import { openAesGcm, sealAesGcm } from "../crypto/aes-gcm.ts";

const INFO = "sesame/totp-secret/v1";

/**
 * TOTP secrets at rest: sealed under a key derived from the server secret
 * (never in the database), bound to their account, so a copy of the
 * database yields no secret and a row moved to another account opens nothing.
 */
export class TotpSecretBox {
  private readonly key: Buffer;

  constructor(serverSecret: Uint8Array) {
    this.key = Buffer.from(hkdfSync("sha256", serverSecret, new Uint8Array(0), INFO, 32));
  }

  seal(userId: string, secret: string): string {
    return sealAesGcm(this.key, secret, userId);
  }

  open(userId: string, sealed: string): string | undefined {
    return openAesGcm(this.key, sealed, userId);
  }
}
