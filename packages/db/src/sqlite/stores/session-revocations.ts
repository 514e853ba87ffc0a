import type { RevokeReason } from "@sesame/auth";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { sessionRevocations, sessions } from "../schema.ts";

/**
 * Revoking sessions inside a write job, shared by every store whose change
 * ends sessions in the same commit (a logout, a password change, a disable):
 * marks the session and appends it to the revocation feed.
 */
export class SessionRevocations {
  /** Bumped whenever this connection revokes (SQLite's data_version only counts other connections). */
  localCount = 0;
  private readonly q;

  constructor(private readonly db: Db) {
    const p = sql.placeholder;
    this.q = {
      markRevoked: db
        .update(sessions)
        .set({ revokedAt: p("now") as never, revokeReason: p("reason") as never })
        .where(eq(sessions.id, p("id")))
        .prepare(),
      append: db
        .insert(sessionRevocations)
        .values({ sessionId: p("sessionId"), revokedAt: p("revokedAt") })
        .prepare(),
    };
  }

  /** Call inside a write job only. */
  revoke(sessionId: string, reason: RevokeReason, now: number): void {
    this.q.markRevoked.run({ now, reason, id: sessionId });
    this.q.append.run({ sessionId, revokedAt: now });
    this.localCount++;
  }

  /** Revokes the user's live sessions but `exceptSessionId`; answers their ids. Call inside a write job only. */
  revokeLiveOfUser(
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): string[] {
    const live = this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          exceptSessionId === undefined ? undefined : ne(sessions.id, exceptSessionId),
        ),
      )
      .all();
    for (const { id } of live) this.revoke(id, reason, now);
    return live.map(({ id }) => id);
  }
}
