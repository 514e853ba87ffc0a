import { hkdfSync } from "node:crypto";
import { openAesGcm, sealAesGcm } from "../crypto/aes-gcm.ts";

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
    return sealAesGcm(this.keyFor(parentToken), successorToken);
  }

  /** Opens what `seal` sealed; undefined if it was not sealed for this parent under this secret. */
  open(parentToken: string, sealed: string): string | undefined {
    return openAesGcm(this.keyFor(parentToken), sealed);
  }

  private keyFor(parentToken: string): Buffer {
    return Buffer.from(hkdfSync("sha256", parentToken, this.serverSecret, INFO, 32));
  }
}
