import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const INFO = "sesame/refresh-successor/v2";

/**
 * Within the reuse grace window the parent of the current refresh token must
 * yield the *same* successor (parallel tabs, a lost response), yet only hashes
 * of tokens are stored. So the successor is kept encrypted under a key derived
 * from the parent token *and* a server secret that never enters the database:
 * a copy of the database plus an old refresh token opens nothing, and the seal
 * itself is erased once the window has passed or the successor rotates.
 */
export class SuccessorSeal {
  constructor(private readonly serverSecret: Uint8Array) {}

  seal(parentToken: string, successorToken: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keyFor(parentToken), iv);
    const sealed = Buffer.concat([cipher.update(successorToken, "utf8"), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  /** Opens what `seal` sealed; undefined if it was not sealed for this parent under this secret. */
  open(parentToken: string, sealed: string): string | undefined {
    const bytes = Buffer.from(sealed, "base64url");
    if (bytes.length < 12 + 16) return undefined;
    try {
      const decipher = createDecipheriv(
        "aes-256-gcm",
        this.keyFor(parentToken),
        bytes.subarray(0, 12),
      );
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      return undefined;
    }
  }

  private keyFor(parentToken: string): Buffer {
    return Buffer.from(hkdfSync("sha256", parentToken, this.serverSecret, INFO, 32));
  }
}
