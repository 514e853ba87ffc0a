import type { RevokeReason, SessionRecord } from "@sesame/auth";
import { eq, gt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { refreshTokens, sessionRevocations, sessions } from "../schema.ts";

/**
 * The session store's statements, prepared once: building a Drizzle query
 * costs ten times more than running a prepared one (docs/benchmarks.md), and
 * these run on every login, refresh and authenticated request.
 */
export function prepareSessionStatements(db: Db, sqlite: SqliteDatabase) {
  const p = sql.placeholder;
  return {
    sessionById: db
      .select()
      .from(sessions)
      .where(eq(sessions.id, p("id")))
      .prepare(),
    tokenByHash: db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, p("hash")))
      .prepare(),
    markTokenUsed: db
      .update(refreshTokens)
      .set({
        usedAt: p("now") as never,
        replacedByHash: p("successor") as never,
        successorSealed: p("sealed") as never,
      })
      .where(eq(refreshTokens.tokenHash, p("hash")))
      .prepare(),
    insertToken: db
      .insert(refreshTokens)
      .values({
        tokenHash: p("tokenHash"),
        sessionId: p("sessionId"),
        parentHash: p("parentHash"),
        issuedAt: p("issuedAt"),
        expiresAt: p("expiresAt"),
      })
      .prepare(),
    touchSession: db
      .update(sessions)
      .set({
        lastUsedAt: p("now") as never,
        idleExpiresAt: p("idleExpiresAt") as never,
        ip: p("ip") as never,
        userAgent: p("userAgent") as never,
      })
      .where(eq(sessions.id, p("id")))
      .prepare(),
    insertSession: db
      .insert(sessions)
      .values({
        id: p("id"),
        userId: p("userId"),
        createdAt: p("createdAt"),
        lastUsedAt: p("lastUsedAt"),
        idleExpiresAt: p("idleExpiresAt"),
        absoluteExpiresAt: p("absoluteExpiresAt"),
        revokedAt: p("revokedAt"),
        revokeReason: p("revokeReason"),
        userAgent: p("userAgent"),
        ip: p("ip"),
      })
      .prepare(),
    markSessionRevoked: db
      .update(sessions)
      .set({ revokedAt: p("now") as never, revokeReason: p("reason") as never })
      .where(eq(sessions.id, p("id")))
      .prepare(),
    insertRevocation: db
      .insert(sessionRevocations)
      .values({ sessionId: p("sessionId"), revokedAt: p("revokedAt") })
      .prepare(),
    dataVersion: sqlite.prepare("PRAGMA data_version").pluck(),
    revocationsAfter: db
      .select()
      .from(sessionRevocations)
      .where(gt(sessionRevocations.seq, p("cursor")))
      .orderBy(sessionRevocations.seq)
      .prepare(),
  };
}

export type SessionStatements = ReturnType<typeof prepareSessionStatements>;

export const toSessionRecord = (row: typeof sessions.$inferSelect): SessionRecord => ({
  ...row,
  revokeReason: row.revokeReason as RevokeReason | null,
});
