import type { Session } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { toSession } from "../accounts/to-wire.ts";
import type { AuthDeps } from "../auth-deps.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { RevokeReason } from "../storage.ts";

/** What a signed-in user can do with their sessions ("devices"). */
export class SessionControl {
  constructor(private readonly deps: AuthDeps) {}

  async list(userId: string, currentSessionId: string): Promise<Session[]> {
    const records = await this.deps.storage.sessions.listActive(userId, this.deps.clock.now());
    return records.map((record) => toSession(record, currentSessionId));
  }

  /**
   * Ends one of the user's sessions. Idempotent: a session of theirs that has
   * already ended (a double click, another tab) is done, with no second audit
   * event; another user's session id is answered exactly like an unknown one.
   */
  async revoke(
    userId: string,
    sessionId: string,
    meta: RequestMeta,
    reason: RevokeReason = "revoked_by_user",
  ): Promise<void> {
    const now = this.deps.clock.now();
    const revoked = await this.deps.storage.sessions.revoke(sessionId, userId, reason, now);
    if (!revoked) {
      const session = await this.deps.storage.sessions.findById(sessionId);
      if (session?.userId === userId) return;
      throw new AuthError("SESSION_NOT_FOUND");
    }
    this.deps.revoked.add(sessionId, now);
    await this.deps.audit.record(
      reason === "logout" ? "logout" : "session_revoked",
      { userId, sessionId },
      meta,
    );
  }

  /** Logout by access token: ends the caller's own session. Idempotent. */
  async logout(userId: string, sessionId: string, meta: RequestMeta): Promise<void> {
    try {
      await this.revoke(userId, sessionId, meta, "logout");
    } catch (error) {
      if (!(error instanceof AuthError && error.code === "SESSION_NOT_FOUND")) throw error;
    }
  }

  /**
   * Logout by refresh token (a browser whose access token is gone). Any token
   * of the session's chain identifies it, even a spent one (each is signed
   * for its session): ending a session is never harmful. Idempotent for a session that has already ended (its
   * token expired, was revoked, or was purged), but a token that is not one of
   * our refresh tokens is `REFRESH_INVALID`: a client holding a truncated or
   * wrong token must not believe the device is signed out.
   */
  async logoutWithRefreshToken(refreshToken: string, meta: RequestMeta): Promise<void> {
    const verified = await this.deps.refreshTokens.verify(refreshToken, this.deps.clock.now());
    if (!verified.ok) {
      if (verified.failure === "expired") return;
      throw new AuthError("REFRESH_INVALID");
    }
    const session = await this.deps.storage.sessions.findById(verified.claims.sid);
    if (!session || session.userId !== verified.claims.sub || session.revokedAt !== null) return;
    await this.logout(session.userId, session.id, meta);
  }

  /** Ends every session of the user, this one included; answers how many. */
  async logoutAll(userId: string, meta: RequestMeta): Promise<number> {
    const now = this.deps.clock.now();
    const ids = await this.deps.storage.sessions.revokeAllForUser(userId, "logout_all", now);
    for (const id of ids) this.deps.revoked.add(id, now);
    await this.deps.audit.record("logout_all", { userId }, meta);
    return ids.length;
  }
}
