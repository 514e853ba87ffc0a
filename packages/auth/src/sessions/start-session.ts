import { toUser } from "../accounts/to-wire.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { toEpochSeconds } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { UserRecord } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";
import type { IssuedTokens } from "./issued-tokens.ts";

/**
 * Every login makes a brand-new session with a fresh id (no session
 * fixation: nothing the client brought is promoted) and its first pair.
 */
export async function startSession(
  deps: AuthDeps,
  user: UserRecord,
  meta: RequestMeta,
  event: "register" | "login_succeeded",
): Promise<IssuedTokens> {
  const { config, clock, ids } = deps;
  const now = clock.now();
  const sessionId = ids.id();
  const absoluteExpiresAt = now + config.sessionAbsoluteTtl * 1000;
  const idleExpiresAt = Math.min(now + config.sessionIdleTtl * 1000, absoluteExpiresAt);
  const subject = { userId: user.id, sessionId };

  const refreshToken = await deps.refreshTokens.issue(subject, now, idleExpiresAt);
  // The session and its audit event are queued in the same event-loop turn, so they share one durable commit.
  const created = deps.storage.sessions.create(
    {
      id: sessionId,
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt,
      absoluteExpiresAt,
      revokedAt: null,
      revokeReason: null,
      userAgent: meta.userAgent,
      ip: meta.ip,
    },
    {
      tokenHash: hashToken(refreshToken),
      sessionId,
      parentHash: null,
      issuedAt: now,
      expiresAt: idleExpiresAt,
    },
  );
  const recorded = deps.audit.record(event, subject, meta);
  await Promise.all([created, recorded]);
  const access = await deps.accessTokens.issue({ ...subject, role: user.role }, absoluteExpiresAt);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: toEpochSeconds(idleExpiresAt),
    sessionId,
    user: toUser(user),
  };
}
