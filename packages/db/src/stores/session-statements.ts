import type { RefreshTokenState, RevokeReason, SessionRecord } from "@sesame/auth";
import { and, eq, gt, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { refreshTokens, sessionRevocations, sessions, users } from "../schema.ts";

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
    credentialOf: db
      .select({ credentialVersion: users.credentialVersion, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, p("id")))
      .prepare(),
    /** The compare-and-set of a rotation: only an unused token of a live session. */
    markTokenUsed: db
      .update(refreshTokens)
      .set({
        usedAt: p("now") as never,
        replacedByHash: p("successor") as never,
        successorSealed: p("sealed") as never,
        rotatedBy: p("rotatedBy") as never,
      })
      .where(
        and(
          eq(refreshTokens.tokenHash, p("hash")),
          isNull(refreshTokens.usedAt),
          sql`exists (select 1 from ${sessions} where ${sessions.id} = ${refreshTokens.sessionId} and ${sessions.revokedAt} is null)`,
        ),
      )
      .prepare(),
    eraseSeal: db
      .update(refreshTokens)
      .set({ successorSealed: null })
      .where(eq(refreshTokens.tokenHash, p("hash")))
      .prepare(),
    eraseSealsBefore: db
      .update(refreshTokens)
      .set({ successorSealed: null })
      .where(and(isNotNull(refreshTokens.successorSealed), lt(refreshTokens.usedAt, p("before"))))
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
        dpopJkt: p("dpopJkt"),
      })
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

export const toTokenState = (row: typeof refreshTokens.$inferSelect): RefreshTokenState => row;
