import type {
  AuditAppend,
  AuditRecord,
  RevokeReason,
  RotationWrite,
  SessionRecord,
  SessionStore,
  SessionWithUser,
} from "@sesame/auth";
import { and, desc, sql as drizzleSql, eq, gt, isNull } from "drizzle-orm";
import type { PgDb, PgSql } from "../pg-client.ts";
import { sessionSeals, sessions, users } from "../schema.ts";
import { insertAudit } from "./pg-audit-insert.ts";
import { foldedCounts, type PgAuditStore } from "./pg-audit-store.ts";
import type { PgSessionRevocations } from "./pg-session-revocations.ts";
import { toUserRecord } from "./pg-user-store.ts";

export class PgSessionStore implements SessionStore {
  private readonly byId;
  private readonly activeOfUser;
  private readonly withUser;

  constructor(
    db: PgDb,
    private readonly sql: PgSql,
    private readonly revocations: PgSessionRevocations,
    private readonly audit: PgAuditStore,
  ) {
    const p = drizzleSql.placeholder;
    this.byId = withSeal(db)
      .where(eq(sessions.id, p("id")))
      .prepare("session_by_id");
    this.withUser = db
      .select({ session: sessions, parentSeal: sessionSeals.seal, user: users })
      .from(sessions)
      .leftJoin(sessionSeals, eq(sessionSeals.sessionId, sessions.id))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, p("id")))
      .prepare("session_with_user");
    this.activeOfUser = withSeal(db)
      .where(
        and(
          eq(sessions.userId, p("userId")),
          isNull(sessions.revokedAt),
          gt(sessions.idleExpiresAt, p("now")),
          gt(sessions.absoluteExpiresAt, p("now")),
        ),
      )
      .orderBy(desc(sessions.lastUsedAt))
      .prepare("active_sessions_of_user");
  }

  /**
   * One transaction: the user's row is read FOR SHARE, so a password change
   * or disable (which updates that row first) either committed before, and
   * the check fails, or waits for this commit and then revokes the session.
   */
  create(
    session: SessionRecord,
    guard: { credentialVersion: number },
    audit: AuditRecord,
  ): Promise<"created" | "credential_changed"> {
    return this.sql.begin(async (tx) => {
      const [user] = await tx<{ credential_version: number; disabled_at: number | null }[]>`
        SELECT credential_version, disabled_at FROM users WHERE id = ${session.userId} FOR SHARE`;
      if (
        !user ||
        user.disabled_at !== null ||
        user.credential_version !== guard.credentialVersion
      ) {
        return "credential_changed" as const;
      }
      const s = session;
      await tx`
        INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at,
          absolute_expires_at, revoked_at, revoke_reason, user_agent, ip, dpop_jkt, refresh_hash,
          parent_hash, rotated_at, rotated_by, amr)
        VALUES (${s.id}, ${s.userId}, ${s.createdAt}, ${s.lastUsedAt}, ${s.idleExpiresAt},
          ${s.absoluteExpiresAt}, ${s.revokedAt}, ${s.revokeReason}, ${s.userAgent}, ${s.ip},
          ${s.dpopJkt}, ${s.refreshHash}, ${s.parentHash}, ${s.rotatedAt}, ${s.rotatedBy},
          ${JSON.stringify(s.amr)})`;
      if (s.parentSeal !== null && s.rotatedAt !== null) {
        await tx`
          INSERT INTO session_seals (session_id, sealed_at, seal)
          VALUES (${s.id}, ${s.rotatedAt}, ${s.parentSeal})`;
      }
      await insertAudit(tx, audit);
      return "created" as const;
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const [row] = await this.byId.execute({ id });
    return row && toSessionRecord(row);
  }

  /** One round trip where a refresh would otherwise make two. */
  async findWithUser(id: string): Promise<SessionWithUser | undefined> {
    const [row] = await this.withUser.execute({ id });
    return row && { session: toSessionRecord(row), user: toUserRecord(row.user) };
  }

  async listActive(userId: string, now: number): Promise<SessionRecord[]> {
    return (await this.activeOfUser.execute({ userId, now })).map(toSessionRecord);
  }

  revoke(sessionId: string, userId: string, reason: RevokeReason, now: number): Promise<boolean> {
    return this.sql.begin((tx) => this.revocations.revokeOne(tx, sessionId, userId, reason, now));
  }

  revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): Promise<string[]> {
    return this.sql.begin((tx) =>
      this.revocations.revokeLiveOfUser(tx, userId, reason, now, exceptSessionId),
    );
  }

  /**
   * The compare-and-set of ../sqlite/stores/session-statements.ts, the
   * winner's seal and its event, committed together. A routine refresh folds
   * into its session's run (foldsIntoSessionRun), and while that run exists
   * all three are one statement: the rotation is made conditional on the run,
   * so when there is none (the session's first refresh of the hour) nothing
   * is written and the transaction below does it all, the event under the
   * account's audit lock. A concurrent rotation or revocation of the row
   * makes PostgreSQL re-check the WHERE on the row it committed, so exactly
   * one of parallel rotations of a token wins and none lands on a revoked
   * session. No write changes an indexed column, so each is a heap-only
   * update (schema.ts).
   */
  async rotate(w: RotationWrite, audit: AuditAppend): Promise<"rotated" | "lost"> {
    const { event, fold } = audit;
    const run = this.audit.sessionRunOf(event, fold);
    if (run) {
      const [outcome] = await this.sql<{ rotated: number; runs: number }[]>`
        WITH run AS (${run}),
        rotated AS (${this.rotation(w, this.sql`AND EXISTS (SELECT 1 FROM run)`)}),
        sealed AS (${this.seal(w)}),
        folded AS (
          UPDATE audit_events SET ${foldedCounts(this.sql, event)}
          WHERE id = (SELECT id FROM run) AND EXISTS (SELECT 1 FROM rotated))
        SELECT (SELECT count(*) FROM rotated)::int AS rotated, (SELECT count(*) FROM run)::int AS runs`;
      if (outcome?.rotated === 1) return "rotated";
      if (outcome?.runs === 1) return "lost";
    }
    return this.sql.begin(async (tx) => {
      const written = await tx`
        WITH rotated AS (${this.rotation(w, this.sql``)})
        ${this.seal(w)}`;
      if (written.count !== 1) return "lost" as const;
      if (event.userId === null) throw new Error("a rotation's event names its user");
      await this.audit.appendLocked(tx, event.userId, event, fold);
      return "rotated" as const;
    });
  }

  /** The compare-and-set UPDATE of a rotation, with `condition` added to its WHERE; returns the session's id when it wins. */
  private rotation(w: RotationWrite, condition: ReturnType<PgSql>) {
    return this.sql`
      UPDATE sessions SET parent_hash = refresh_hash, refresh_hash = ${w.successorHash},
        rotated_at = ${w.now}, rotated_by = ${w.rotatedBy}, last_used_at = ${w.now},
        idle_expires_at = ${w.idleExpiresAt}, ip = ${w.ip}, user_agent = ${w.userAgent}
      WHERE id = ${w.sessionId} AND refresh_hash = ${w.presentedHash} AND revoked_at IS NULL
        ${condition}
      RETURNING id`;
  }

  /** The successor's seal, written only for a rotation that won (the `rotated` CTE's row). */
  private seal(w: RotationWrite) {
    return this.sql`
      INSERT INTO session_seals (session_id, sealed_at, seal)
      SELECT id, ${w.now}, ${w.sealedSuccessor} FROM rotated
      ON CONFLICT (session_id) DO UPDATE SET sealed_at = excluded.sealed_at, seal = excluded.seal`;
  }

  /** A scan of the small seal table: it holds only the sessions that rotated in the last seconds. */
  async eraseSealsBefore(before: number): Promise<number> {
    const erased = await this.sql`DELETE FROM session_seals WHERE sealed_at < ${before}`;
    return erased.count;
  }

  /** Deletes dead sessions and feed rows too old to matter, in one statement. */
  async purgeDead(now: number, retainMs: number): Promise<number> {
    const before = now - retainMs;
    const [row] = await this.sql<{ deleted: number }[]>`
      WITH deleted AS (
        DELETE FROM sessions
        WHERE revoked_at < ${before} OR idle_expires_at < ${before} OR absolute_expires_at < ${before}
        RETURNING 1
      ), fed AS (
        DELETE FROM session_revocations WHERE revoked_at < ${before}
      )
      SELECT count(*) AS deleted FROM deleted`;
    return row?.deleted ?? 0;
  }
}

/** Sessions with their seal, if they hold one. */
const withSeal = (db: PgDb) =>
  db
    .select({ session: sessions, parentSeal: sessionSeals.seal })
    .from(sessions)
    .leftJoin(sessionSeals, eq(sessionSeals.sessionId, sessions.id))
    .$dynamic();

const toSessionRecord = (row: {
  session: typeof sessions.$inferSelect;
  parentSeal: string | null;
}): SessionRecord => ({
  ...row.session,
  revokeReason: row.session.revokeReason as RevokeReason | null,
  parentSeal: row.parentSeal,
  amr: JSON.parse(row.session.amr) as string[],
});
