import type {
  RevocationBatch,
  RevokeReason,
  RotationOutcome,
  RotationRequest,
  SessionRecord,
  SessionStore,
  StoredRefreshToken,
} from "@sesame/auth";
import { and, desc, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { refreshTokens, sessionRevocations, sessions } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

type SessionRow = typeof sessions.$inferSelect;

const toRecord = (row: SessionRow): SessionRecord => ({
  ...row,
  revokeReason: row.revokeReason as RevokeReason | null,
});

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
    const p = sql.placeholder;
    this.q = {
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

  /** Prepared statements throughout: building a Drizzle query costs more than running it. */
  create(session: SessionRecord, firstToken: StoredRefreshToken): Promise<void> {
    return this.writes.run(() => {
      this.q.insertSession.run({ ...session });
      this.q.insertToken.run({ ...firstToken });
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    const row = this.q.sessionById.get({ id });
    return row && toRecord(row);
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
    return rows.map(toRecord);
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

  rotate(request: RotationRequest): Promise<RotationOutcome> {
    return this.writes.run(() => this.rotateNow(request));
  }

  /** Runs inside the batch's write transaction: nothing can interleave between the read and the write. */
  private rotateNow(r: RotationRequest): RotationOutcome {
    const token = this.q.tokenByHash.get({ hash: r.presentedHash });
    if (!token) return { kind: "unknown" };
    const row = this.q.sessionById.get({ id: token.sessionId });
    if (!row) return { kind: "unknown" };
    const session = toRecord(row);
    if (session.revokedAt !== null) return { kind: "revoked", session };
    if (r.now >= session.absoluteExpiresAt || r.now >= session.idleExpiresAt) {
      return { kind: "expired", session };
    }

    if (token.usedAt === null) {
      this.q.markTokenUsed.run({
        now: r.now,
        successor: r.successor.tokenHash,
        sealed: r.successor.sealedForParent,
        hash: token.tokenHash,
      });
      this.q.insertToken.run({
        tokenHash: r.successor.tokenHash,
        sessionId: r.successor.sessionId,
        parentHash: r.successor.parentHash,
        issuedAt: r.successor.issuedAt,
        expiresAt: r.successor.expiresAt,
      });
      this.q.touchSession.run({
        now: r.now,
        idleExpiresAt: r.idleExpiresAt,
        ip: r.ip,
        userAgent: r.userAgent,
        id: session.id,
      });
      return {
        kind: "rotated",
        session: { ...session, lastUsedAt: r.now, idleExpiresAt: r.idleExpiresAt },
      };
    }

    // Spent. Only the immediate parent of the still-unused current token, within the grace window, is forgiven.
    const successor = token.replacedByHash
      ? this.q.tokenByHash.get({ hash: token.replacedByHash })
      : undefined;
    if (
      successor &&
      successor.usedAt === null &&
      token.successorSealed !== null &&
      r.now - token.usedAt <= r.graceMs
    ) {
      return {
        kind: "grace",
        session,
        sealedSuccessor: token.successorSealed,
        successorExpiresAt: successor.expiresAt,
      };
    }
    this.markRevoked(session.id, "refresh_reused", r.now);
    return { kind: "reused", session };
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
