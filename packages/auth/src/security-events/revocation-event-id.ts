import { createHash } from "node:crypto";
import type { Revocation } from "../storage.ts";

/**
 * The `jti` of the SET telling `receiverId` about one revocation: derived,
 * not random, so every delivery of that revocation — again after a lost ack,
 * or from another of Sesame's nodes — carries the same `jti` and the
 * receiver recognises the duplicate, and an ack sent to any node names it.
 * 128 bits of SHA-256 over the receiver, the session and the time it was
 * revoked (each node reads that time from the same database row).
 */
export function revocationEventId(receiverId: string, revocation: Revocation): string {
  return createHash("sha256")
    .update(`${receiverId}\n${revocation.sessionId}\n${revocation.revokedAt}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}
