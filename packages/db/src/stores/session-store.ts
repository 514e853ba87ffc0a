import type {
  RevocationBatch,
  RevokeReason,
  RotationOutcome,
  RotationRequest,
  SessionRecord,
  SessionStore,
  StoredRefreshToken,
} from "@sesame/auth";
import { and, desc, eq, gt, isNull, lt, ne, or } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { sessionRevocations, sessions } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { rotateInTransaction } from "./rotate-in-transaction.ts";
import { prepareSessionStatements, toSessionRecord } from "./session-statements.ts";

export class SqliteSessionStore implements SessionStore {
  private readonly q;
  /** Bumped whenever this connection commits a revocation (SQLite's data_version only counts other connections). */
  private localRevocations = 0;
  private seen = { dataVersion: -1, localRevocations: -1, cursor: -1 };

  constructor(
    private readonly db: Db,
    sqlite: SqliteDatabase,
    private readonly writes: WriteBatcher,
  ) {
    this.q = prepareSessionStatements(db, sqlite);
  }

  /** Prepared statements throughout: building a Drizzle query costs more than running it. */
  create(session: SessionRecord, firstToken: StoredRefreshToken): Promise<void> {
    return this.writes.run(() => {
      this.q.insertSession.run({ ...session });
      this.q.insertToken.run({ ...firstToken });
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
      this.markRevoked(sessionId, reason, now);
      return true;
    });
  }

  revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): Promise<string[]> {
    return this.writes.run(() => {
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
      for (const { id } of live) this.markRevoked(id, reason, now);
      return live.map(({ id }) => id);
    });
  }

  /** One atomic step inside the batch's write transaction (see rotate-in-transaction.ts). */
  rotate(request: RotationRequest): Promise<RotationOutcome> {
    return this.writes.run(() =>
      rotateInTransaction(this.q, request, (id, reason, now) => this.markRevoked(id, reason, now)),
    );
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
      this.localRevocations === seen.localRevocations &&
      cursor === seen.cursor
    ) {
      return undefined;
    }
    const rows = this.q.revocationsAfter.all({ cursor });
    const next = rows.at(-1)?.seq ?? cursor;
    this.seen = { dataVersion, localRevocations: this.localRevocations, cursor: next };
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

  private markRevoked(sessionId: string, reason: RevokeReason, now: number): void {
    this.q.markSessionRevoked.run({ now, reason, id: sessionId });
    this.q.insertRevocation.run({ sessionId, revokedAt: now });
    this.localRevocations++;
  }
}
