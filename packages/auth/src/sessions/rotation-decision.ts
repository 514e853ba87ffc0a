import type { SessionRecord } from "../storage.ts";

export type RotationDecision =
  /** The presented token is the current one: rotate it (compare-and-set on the current hash). */
  | { kind: "rotate" }
  /** Its parent, from the client that rotated it, in the window: the same successor. */
  | { kind: "grace"; sealedSuccessor: string; successorExpiresAt: number }
  /** Any other token of the session: already spent, so theft. The session is revoked. */
  | { kind: "reuse" };

/**
 * The rotation rule (DESIGN.md "Tokens", RFC 9700 §4.14.2), decided here once
 * for every storage backend, on the session as the backend read it. The
 * presented token is well signed for this session (checked before), so it is
 * one the session issued: the current one, its parent, or an older spent one.
 * The parent is forgiven only inside the grace window, while its seal is
 * still there, and for the client that made the rotation (`binding`,
 * client-binding.ts): a thief replaying it from anywhere else revokes the
 * session instead of riding the victim's chain.
 */
export function decideRotation(
  session: SessionRecord,
  presentedHash: string,
  now: number,
  graceMs: number,
  binding: string,
): RotationDecision {
  if (session.refreshHash !== null && presentedHash === session.refreshHash) {
    return { kind: "rotate" };
  }
  if (
    presentedHash === session.parentHash &&
    session.parentSeal !== null &&
    session.rotatedAt !== null &&
    now - session.rotatedAt <= graceMs &&
    session.rotatedBy === binding
  ) {
    // The current token was issued with the session's idle expiry of that moment, which only a rotation moves.
    return {
      kind: "grace",
      sealedSuccessor: session.parentSeal,
      successorExpiresAt: session.idleExpiresAt,
    };
  }
  return { kind: "reuse" };
}
