import type { RevokeReason, SessionRecord } from "@sesame/auth";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { sessionSeals, sessions, users } from "../schema.ts";

/**
 * The session store's statements, prepared once: building a Drizzle query
 * costs ten times more than running a prepared one (docs/benchmarks.md), and
 * these run on every login, refresh and authenticated request.
 */
export function prepareSessionStatements(db: Db) {
  const p = sql.placeholder;
  return {
    sessionById: withSeal(db)
      .where(eq(sessions.id, p("id")))
      .prepare(),
    /** The session with its seal and its user: a refresh's one read. */
    sessionWithUser: db
      .select({ session: sessions, parentSeal: sessionSeals.seal, user: users })
      .from(sessions)
      .leftJoin(sessionSeals, eq(sessionSeals.sessionId, sessions.id))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, p("id")))
      .prepare(),
    credentialOf: db
      .select({ credentialVersion: users.credentialVersion, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, p("id")))
      .prepare(),
    /** The compare-and-set of a rotation: only the current token of a live session. */
    rotate: db
      .update(sessions)
      .set({
        parentHash: sql`${sessions.refreshHash}`,
        refreshHash: p("successorHash") as never,
        rotatedAt: p("now") as never,
        rotatedBy: p("rotatedBy") as never,
        lastUsedAt: p("now") as never,
        idleExpiresAt: p("idleExpiresAt") as never,
        ip: p("ip") as never,
        userAgent: p("userAgent") as never,
      })
      .where(
        and(
          eq(sessions.id, p("sessionId")),
          eq(sessions.refreshHash, p("presentedHash")),
          isNull(sessions.revokedAt),
        ),
      )
      .prepare(),
    /** The rotation's seal, written by the winner of the compare-and-set in the same write job. */
    replaceSeal: db
      .insert(sessionSeals)
      .values({ sessionId: p("sessionId"), sealedAt: p("sealedAt"), seal: p("seal") })
      .onConflictDoUpdate({
        target: sessionSeals.sessionId,
        set: { sealedAt: sql`excluded.sealed_at`, seal: sql`excluded.seal` },
      })
      .prepare(),
    eraseSealsBefore: db
      .delete(sessionSeals)
      .where(lt(sessionSeals.sealedAt, p("before")))
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
        refreshHash: p("refreshHash"),
        parentHash: p("parentHash"),
        rotatedAt: p("rotatedAt"),
        rotatedBy: p("rotatedBy"),
        amr: p("amr"),
      })
      .prepare(),
  };
}

export type SessionStatements = ReturnType<typeof prepareSessionStatements>;

/** Sessions with their seal, if they hold one. */
export const withSeal = (db: Db) =>
  db
    .select({ session: sessions, parentSeal: sessionSeals.seal })
    .from(sessions)
    .leftJoin(sessionSeals, eq(sessionSeals.sessionId, sessions.id))
    .$dynamic();

export const toSessionRecord = (row: {
  session: typeof sessions.$inferSelect;
  parentSeal: string | null;
}): SessionRecord => ({
  ...row.session,
  revokeReason: row.session.revokeReason as RevokeReason | null,
  parentSeal: row.parentSeal,
  amr: JSON.parse(row.session.amr) as string[],
});
