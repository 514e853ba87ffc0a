import type { RevokeReason, RotationOutcome, RotationRequest } from "@sesame/auth";
import { type SessionStatements, toSessionRecord } from "./session-statements.ts";

/**
 * Refresh-token rotation as one step of a write transaction (DESIGN.md
 * "Tokens"; RFC 9700 §4.14.2): the read that decides the presented token's
 * fate and the writes that act on it cannot be split by a concurrent request,
 * from this process or another (`BEGIN IMMEDIATE` holds the write lock).
 * - current token → marked used, linked to its successor, successor stored,
 *   session touched (idle expiry moves, never past the absolute expiry);
 * - immediate parent of a still-unused current token, within the grace
 *   window → the same successor (sealed for the parent), nothing written;
 * - anything else already spent → reuse: the session is revoked.
 */
export function rotateInTransaction(
  q: SessionStatements,
  r: RotationRequest,
  revoke: (sessionId: string, reason: RevokeReason, now: number) => void,
): RotationOutcome {
  const token = q.tokenByHash.get({ hash: r.presentedHash });
  if (!token) return { kind: "unknown" };
  const row = q.sessionById.get({ id: token.sessionId });
  if (!row) return { kind: "unknown" };
  const session = toSessionRecord(row);
  if (session.revokedAt !== null) return { kind: "revoked", session };
  if (r.now >= session.absoluteExpiresAt || r.now >= session.idleExpiresAt) {
    return { kind: "expired", session };
  }

  if (token.usedAt === null) {
    q.markTokenUsed.run({
      now: r.now,
      successor: r.successor.tokenHash,
      sealed: r.successor.sealedForParent,
      hash: token.tokenHash,
    });
    q.insertToken.run({
      tokenHash: r.successor.tokenHash,
      sessionId: r.successor.sessionId,
      parentHash: r.successor.parentHash,
      issuedAt: r.successor.issuedAt,
      expiresAt: r.successor.expiresAt,
    });
    q.touchSession.run({
      now: r.now,
      idleExpiresAt: r.idleExpiresAt,
      ip: r.ip,
      userAgent: r.userAgent,
      id: session.id,
    });
    return {
      kind: "rotated",
      session: { ...session, lastUsedAt: r.now, idleExpiresAt: r.idleExpiresAt },
    };
  }

  // Spent. Only the immediate parent of the still-unused current token, within the grace window, is forgiven.
  const successor = token.replacedByHash
    ? q.tokenByHash.get({ hash: token.replacedByHash })
    : undefined;
  if (
    successor &&
    successor.usedAt === null &&
    token.successorSealed !== null &&
    r.now - token.usedAt <= r.graceMs
  ) {
    return {
      kind: "grace",
      session,
      sealedSuccessor: token.successorSealed,
      successorExpiresAt: successor.expiresAt,
    };
  }
  revoke(session.id, "refresh_reused", r.now);
  return { kind: "reused", session };
}
