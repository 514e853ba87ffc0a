import type {
  AuditRecord,
  RefreshTokenLookup,
  RevocationBatch,
  RevokeReason,
  RotationWrite,
  SessionRecord,
  SessionStore,
  StoredRefreshToken,
} from "@sesame/auth";
import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { sessionRevocations, sessions } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import type { SessionRevocations } from "./session-revocations.ts";
import { prepareSessionStatements, toSessionRecord, toTokenState } from "./session-statements.ts";

export class SqliteSessionStore implements SessionStore {
  private readonly q;
  private readonly insertAudit;
  private seen = { dataVersion: -1, localRevocations: -1, cursor: -1 };

  constructor(
    private readonly db: Db,
    sqlite: SqliteDatabase,
    private readonly writes: WriteBatcher,
    private readonly revocations: SessionRevocations,
  ) {
    this.q = prepareSessionStatements(db, sqlite);
    this.insertAudit = prepareAuditInsert(db);
  }

  /**
   * One job: the credential check and the inserts run inside one write
   * transaction, so a password change or disable commits wholly before (and
   * the check fails) or wholly after (and it revokes this session).
   */
  create(
    session: SessionRecord,
    firstToken: StoredRefreshToken,
    guard: { credentialVersion: number },
    audit: AuditRecord,
  ): Promise<"created" | "credential_changed"> {
    return this.writes.run(() => {
      const user = this.q.credentialOf.get({ id: session.userId });
      if (!user || user.disabledAt !== null || user.credentialVersion !== guard.credentialVersion) {
        return "credential_changed";
      }
      this.q.insertSession.run({ ...session });
      this.q.insertToken.run({ ...firstToken });
      this.insertAudit(audit);
      return "created";
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const row = this.q.sessionById.get({ id });
    return row && toSessionRecord(row);
  }

  async listActive(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = this.db
      .select()
      .from(sessions)
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
      const row = this.q.sessionById.get({ id: sessionId });
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

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup | undefined> {
    const token = this.q.tokenByHash.get({ hash: tokenHash });
    if (!token) return undefined;
    const session = this.q.sessionById.get({ id: token.sessionId });
    if (!session) return undefined;
    const successor = token.replacedByHash
      ? this.q.tokenByHash.get({ hash: token.replacedByHash })
      : undefined;
    return {
      token: toTokenState(token),
      session: toSessionRecord(session),
      successor: successor && toTokenState(successor),
    };
  }

  /** The compare-and-set and everything it implies, in one job (one write transaction). */
  rotate(w: RotationWrite): Promise<"rotated" | "lost"> {
    return this.writes.run(() => {
      const marked = this.q.markTokenUsed.run({
        now: w.now,
        successor: w.successor.tokenHash,
        sealed: w.sealedSuccessor,
        rotatedBy: w.rotatedBy,
        hash: w.presentedHash,
      });
      if (marked.changes !== 1) return "lost";
      this.q.insertToken.run({ ...w.successor });
      this.q.touchSession.run({
        now: w.now,
        idleExpiresAt: w.idleExpiresAt,
        ip: w.ip,
        userAgent: w.userAgent,
        id: w.successor.sessionId,
      });
      if (w.presentedParentHash) this.q.eraseSeal.run({ hash: w.presentedParentHash });
      return "rotated";
    });
  }

  eraseSealsBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.eraseSealsBefore.run({ before }).changes);
  }

  async findByRefreshTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const token = this.q.tokenByHash.get({ hash: tokenHash });
    return token ? this.findById(token.sessionId) : undefined;
  }

  pollRevocations(cursor: number): RevocationBatch | undefined {
    const dataVersion = this.q.dataVersion.get() as number;
    const seen = this.seen;
    if (
      dataVersion === seen.dataVersion &&
      this.revocations.localCount === seen.localRevocations &&
      cursor === seen.cursor
    ) {
      return undefined;
    }
    const rows = this.q.revocationsAfter.all({ cursor });
    const next = rows.at(-1)?.seq ?? cursor;
    this.seen = { dataVersion, localRevocations: this.revocations.localCount, cursor: next };
    return {
      cursor: next,
      revocations: rows.map(({ sessionId, revokedAt }) => ({ sessionId, revokedAt })),
    };
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
