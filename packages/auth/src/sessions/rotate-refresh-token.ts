import { toUser } from "../accounts/to-wire.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { toEpochSeconds } from "../clock.ts";
import { AuthError } from "../contracts/auth-error.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { SessionRecord } from "../storage.ts";
import { openSuccessor, sealSuccessor } from "../tokens/successor-seal.ts";
import { hashToken } from "../tokens/token-hash.ts";
import type { IssuedTokens } from "./issued-tokens.ts";

/**
 * Exchanges a refresh token for a new pair (RFC 9700 §4.14.2, rotation with
 * reuse detection):
 * - the current token rotates: it is marked used and linked to its successor;
 * - its immediate parent, within the grace window while the successor is
 *   still unused, yields that *same* successor (parallel tabs, a lost
 *   response) instead of forking the chain;
 * - anything else that was already spent is theft: the session is revoked,
 *   so the thief's and the victim's tokens all die.
 * Idle expiry moves forward with each rotation; absolute expiry never does.
 */
export async function rotateRefreshToken(
  deps: AuthDeps,
  presented: string,
  meta: RequestMeta,
): Promise<IssuedTokens> {
  const { clock, config, storage } = deps;
  const now = clock.now();
  const verified = await deps.refreshTokens.verify(presented, now);
  if (!verified.ok) {
    // A refresh token's `exp` is its session's idle/absolute limit, so a well-signed expired one means the session lapsed.
    throw new AuthError(verified.failure === "expired" ? "SESSION_EXPIRED" : "REFRESH_INVALID");
  }
  const { sid: sessionId, sub: userId } = verified.claims;
  const session = await storage.sessions.findById(sessionId);
  if (!session || session.userId !== userId) throw new AuthError("REFRESH_INVALID");
  throwIfDead(session, now);

  const idleExpiresAt = Math.min(now + config.sessionIdleTtl * 1000, session.absoluteExpiresAt);
  const successor = await deps.refreshTokens.issue({ userId, sessionId }, now, idleExpiresAt);
  const presentedHash = hashToken(presented);
  const outcome = await storage.sessions.rotate({
    presentedHash,
    successor: {
      tokenHash: hashToken(successor),
      sessionId,
      parentHash: presentedHash,
      issuedAt: now,
      expiresAt: idleExpiresAt,
      sealedForParent: sealSuccessor(presented, successor),
    },
    now,
    graceMs: config.refreshReuseGrace * 1000,
    idleExpiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent,
  });

  let refreshToken: string;
  let refreshExpiresAt: number;
  switch (outcome.kind) {
    case "rotated":
      refreshToken = successor;
      refreshExpiresAt = idleExpiresAt;
      break;
    case "grace": {
      const same = openSuccessor(presented, outcome.sealedSuccessor);
      if (!same) throw new AuthError("REFRESH_INVALID");
      refreshToken = same;
      refreshExpiresAt = outcome.successorExpiresAt;
      break;
    }
    case "reused":
      await deps.audit.record("refresh_reuse_detected", { userId, sessionId }, meta);
      throw new AuthError("REFRESH_REUSED");
    case "revoked":
      throw new AuthError("SESSION_REVOKED");
    case "expired":
      throw new AuthError("SESSION_EXPIRED");
    case "unknown":
      throw new AuthError("REFRESH_INVALID");
  }

  const user = await storage.users.findById(userId);
  if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
  const access = await deps.accessTokens.issue(
    { userId, sessionId, role: user.role },
    session.absoluteExpiresAt,
  );
  await deps.audit.record("refresh", { userId, sessionId }, meta);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: toEpochSeconds(refreshExpiresAt),
    sessionId,
    user: toUser(user),
  };
}

function throwIfDead(session: SessionRecord, now: number): void {
  if (session.revokedAt !== null) throw new AuthError("SESSION_REVOKED");
  if (now >= session.absoluteExpiresAt || now >= session.idleExpiresAt) {
    throw new AuthError("SESSION_EXPIRED");
  }
}
