import type {
  AuditAppend,
  AuditRecord,
  RevokeReason,
  RotationWrite,
  SessionRecord,
  SessionStore,
  SessionWithUser,
} from "@sesame/auth";
import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { sessionRevocations, sessions } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import type { SqliteAuditStore } from "./audit-store.ts";
import type { SessionRevocations } from "./session-revocations.ts";
import { prepareSessionStatements, toSessionRecord, withSeal } from "./session-statements.ts";
import { toUserRecord } from "./user-store.ts";

export class SqliteSessionStore implements SessionStore {
  private readonly q;
  private readonly insertAudit;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
    private readonly revocations: SessionRevocations,
    private readonly audit: SqliteAuditStore,
  ) {
    this.q = prepareSessionStatements(db);
    this.insertAudit = prepareAuditInsert(db);
  }

  /**
   * One job: the credential check and the inserts run inside one write
   * transaction, so a password change or disable commits wholly before (and
   * the check fails) or wholly after (and it revokes this session).
   */
  create(
    session: SessionRecord,
    guard: { credentialVersion: number },
    audit: AuditRecord,
  ): Promise<"created" | "credential_changed"> {
    return this.writes.run(() => {
      const user = this.q.credentialOf.get({ id: session.userId });
      if (!user || user.disabledAt !== null || user.credentialVersion !== guard.credentialVersion) {
        return "credential_changed";
      }
      this.q.insertSession.run({ ...session, amr: JSON.stringify(session.amr) });
      if (session.parentSeal !== null && session.rotatedAt !== null) {
        const seal = {
          sessionId: session.id,
          sealedAt: session.rotatedAt,
          seal: session.parentSeal,
        };
        this.q.replaceSeal.run(seal);
      }
      this.insertAudit(audit);
      return "created";
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const row = this.q.sessionById.get({ id });
    return row && toSessionRecord(row);
  }

  async findWithUser(id: string): Promise<SessionWithUser | undefined> {
    const row = this.q.sessionWithUser.get({ id });
    return row && { session: toSessionRecord(row), user: toUserRecord(row.user) };
  }

  async listActive(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = withSeal(this.db)
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          gt(sessions.idleExpiresAt, now),
          gt(sessions.absoluteExpiresAt, now),
        ),
      )
      .orderBy(desc(sessions.lastUsedAt))
      .all();
    return rows.map(toSessionRecord);
  }

  revoke(sessionId: string, userId: string, reason: RevokeReason, now: number): Promise<boolean> {
    return this.writes.run(() => {
      const row = this.q.sessionById.get({ id: sessionId })?.session;
      if (!row || row.userId !== userId || row.revokedAt !== null) return false;
      this.revocations.revoke(sessionId, reason, now);
      return true;
    });
  }

  revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): Promise<string[]> {
    return this.writes.run(() =>
      this.revocations.revokeLiveOfUser(userId, reason, now, exceptSessionId),
    );
  }

  /** The compare-and-set and everything it implies (see RotationWrite), then the winner's seal and event: one write job. */
  rotate(w: RotationWrite, audit: AuditAppend): Promise<"rotated" | "lost"> {
    return this.writes.run(() => {
      if (this.q.rotate.run({ ...w }).changes !== 1) return "lost";
      this.q.replaceSeal.run({ sessionId: w.sessionId, sealedAt: w.now, seal: w.sealedSuccessor });
      this.audit.appendInJob(audit.event, audit.fold);
      return "rotated";
    });
  }

  eraseSealsBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.eraseSealsBefore.run({ before }).changes);
  }

  purgeDead(now: number, retainMs: number): Promise<number> {
    const before = now - retainMs;
    return this.writes.run(() => {
      const deleted = this.db
        .delete(sessions)
        .where(
          or(
            lt(sessions.revokedAt, before),
            lt(sessions.idleExpiresAt, before),
            lt(sessions.absoluteExpiresAt, before),
          ),
        )
        .run();
      this.db.delete(sessionRevocations).where(lt(sessionRevocations.revokedAt, before)).run();
      return deleted.changes;
    });
  }
}
