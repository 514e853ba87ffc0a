import type { RefreshTokenLookup } from "../storage.ts";

export type RotationDecision =
  /** The presented token is current: rotate it (compare-and-set on `used_at`). */
  | { kind: "rotate" }
  /** Its immediate parent, from the client that rotated it, in the window: the same successor. */
  | { kind: "grace"; sealedSuccessor: string; successorExpiresAt: number }
  /** Anything else already spent: theft. The session is revoked. */
  | { kind: "reuse" };

/**
 * The rotation rule (DESIGN.md "Tokens", RFC 9700 §4.14.2), decided here once
 * for every storage backend, on what the backend read. A spent token is
 * forgiven only when all of these hold: its successor is still unused (it is
 * the immediate parent of the current token), the grace window has not
 * passed, its seal is still there, and the request comes from the client that
 * made the rotation (`binding`, client-binding.ts). A thief replaying a spent
 * parent from anywhere else inside the window revokes the session instead of
 * riding the victim's chain.
 */
export function decideRotation(
  lookup: RefreshTokenLookup,
  now: number,
  graceMs: number,
  binding: string,
): RotationDecision {
  const { token, successor } = lookup;
  if (token.usedAt === null) return { kind: "rotate" };
  if (
    successor !== undefined &&
    successor.usedAt === null &&
    token.successorSealed !== null &&
    now - token.usedAt <= graceMs &&
    token.rotatedBy === binding
  ) {
    return {
      kind: "grace",
      sealedSuccessor: token.successorSealed,
      successorExpiresAt: successor.expiresAt,
    };
  }
  return { kind: "reuse" };
}
