import {
  type AuditEventType,
  type AuditQuery,
  type AuditRecord,
  type AuditStore,
  type FoldInstruction,
  foldsIntoSessionRun,
  type StoredAuditEvent,
} from "@sesame/auth";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { decodeAuditDetail, encodeAuditDetail } from "../../audit-detail-json.ts";
import type { PgDb, PgSql, PgTx } from "../pg-client.ts";
import { auditEvents } from "../schema.ts";
import { insertAuditRow, lockUserAudit } from "./pg-audit-insert.ts";

/**
 * The SET list of a fold: count + 1, the earliest first and the latest last
 * time, the event's IP and user agent. A run of the event's session already
 * holds its session and detail; a fold past the cap sets them too.
 */
export function foldedCounts(sql: PgSql, event: AuditRecord) {
  return sql`count = count + 1,
    first_at = least(first_at, ${event.at}::bigint),
    at = greatest(at, ${event.at}::bigint),
    ip = ${event.ip}, user_agent = ${event.userAgent}`;
}

export class PgAuditStore implements AuditStore {
  constructor(
    private readonly db: PgDb,
    private readonly sql: PgSql,
  ) {}

  /**
   * A fold is one transaction under the user's audit lock (pg-audit-insert.ts),
   * taken before the rows that decide it are read: concurrent appends for the
   * user, from any process, wait their turn, so none loses a count or decides
   * on rows another is changing.
   */
  async append(event: AuditRecord, fold?: FoldInstruction): Promise<void> {
    const userId = event.userId;
    if (userId === null) {
      await insertAuditRow(this.sql, event);
      return;
    }
    if (fold && (await this.foldIntoSessionRun(event, fold))) return;
    await this.sql.begin((tx) => this.appendLocked(tx, userId, event, fold));
  }

  /**
   * `append`'s work inside a transaction of the caller's (a rotation whose
   * event commits with it), under the user's audit lock (pg-audit-insert.ts),
   * taken before the rows that decide the fold are read: concurrent appends
   * for the user, from any process, wait their turn, so none loses a count or
   * decides on rows another is changing.
   */
  async appendLocked(
    tx: PgTx,
    userId: string,
    event: AuditRecord,
    fold: FoldInstruction | undefined,
  ): Promise<void> {
    await lockUserAudit(tx, userId);
    const into = fold && (await this.foldTarget(tx, userId, event, fold));
    if (into === undefined) {
      await insertAuditRow(tx, event);
      return;
    }
    // Every right-hand side reads the row as it was before this update.
    await tx`
      UPDATE audit_events SET ${foldedCounts(this.sql, event)},
        session_id = ${event.sessionId}, detail = ${encodeAuditDetail(event.detail)}
      WHERE id = ${into}`;
  }

  /**
   * A session's own run (foldsIntoSessionRun): one statement, without the
   * account's lock, since it adds no row and only this session's row decides.
   * Concurrent folds into the row queue on its row lock, and each adds to the
   * count as the one before left it.
   */
  private async foldIntoSessionRun(event: AuditRecord, fold: FoldInstruction): Promise<boolean> {
    const run = this.sessionRunOf(event, fold);
    if (!run) return false;
    const folded = await this.sql`
      UPDATE audit_events SET ${foldedCounts(this.sql, event)} WHERE id = (${run})`;
    return folded.count === 1;
  }

  /**
   * The query for the id of the session's run the event folds into, when the
   * rule folds it by its session alone (foldsIntoSessionRun); undefined when
   * it does not. For a statement that folds the event as part of another
   * write (a rotation) with `foldedCounts`.
   */
  sessionRunOf(event: AuditRecord, fold: FoldInstruction | undefined) {
    if (!fold || !foldsIntoSessionRun(fold) || event.userId === null || event.sessionId === null) {
      return undefined;
    }
    return this.sql`
      SELECT id FROM audit_events
      WHERE session_id = ${event.sessionId} AND user_id = ${event.userId} AND type = ${event.type}
        AND detail IS NOT DISTINCT FROM ${encodeAuditDetail(event.detail)}::text
        AND first_at >= ${fold.since}
      ORDER BY id DESC LIMIT 1`;
  }

  /**
   * The id of the row the event folds into, if any: the SQLite store's
   * lookups, each bounded below by `first_at` so they read only the user's
   * recent rows through the (user_id, first_at) index. A breaker must have
   * been written after the candidate, so it started after `since` too. Call
   * under the user's audit lock.
   */
  private async foldTarget(
    tx: PgTx,
    userId: string,
    event: AuditRecord,
    fold: FoldInstruction,
  ): Promise<number | undefined> {
    const { cap } = fold;
    const [inCap] = await tx<{ rows: number }[]>`
      SELECT count(*) AS rows FROM audit_events
      WHERE user_id = ${userId} AND first_at >= ${cap.since}
        AND type = ANY(${[...cap.types]}::text[])`;
    if ((inCap?.rows ?? 0) >= cap.rows) {
      const [latest] = await tx<{ id: number }[]>`
        SELECT id FROM audit_events
        WHERE user_id = ${userId} AND first_at >= ${cap.since}
          AND type = ${event.type}
        ORDER BY id DESC LIMIT 1`;
      return latest?.id;
    }
    // A session's own run is its only candidate and nothing breaks it: look
    // again through the session's index, now under the lock (a parallel
    // append may have started the run since the look outside it), rather
    // than through the account's rows of the hour.
    const sessionRun = this.sessionRunOf(event, fold);
    if (sessionRun) {
      const [run] = await tx<{ id: number }[]>`${sessionRun}`;
      return run?.id;
    }
    // The latest row that is either a candidate or ends a run: the event
    // folds only if that row is a candidate (nothing ended its run since).
    // A candidate has the event's detail (NULL matching NULL).
    const [latest] = await tx<{ id: number; type: string }[]>`
      SELECT id, type FROM audit_events
      WHERE user_id = ${userId} AND first_at >= ${fold.since}
        AND ((type = ${event.type}
              AND detail IS NOT DISTINCT FROM ${encodeAuditDetail(event.detail)}::text
              AND (NOT ${fold.sameSession}::boolean OR session_id IS NOT DISTINCT FROM ${event.sessionId}::text))
          OR type = ANY(${[...fold.breakers]}::text[]))
      ORDER BY id DESC LIMIT 1`;
    return latest?.type === event.type ? latest.id : undefined;
  }

  async purgeBefore(before: number): Promise<number> {
    const purged = await this.sql`DELETE FROM audit_events WHERE at < ${before}`;
    return purged.count;
  }

  async listForUser(userId: string, query: AuditQuery): Promise<StoredAuditEvent[]> {
    const rows = await this.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.userId, userId),
          query.before === undefined ? undefined : lt(auditEvents.id, query.before),
          query.types === undefined ? undefined : inArray(auditEvents.type, [...query.types]),
        ),
      )
      .orderBy(desc(auditEvents.id))
      .limit(query.limit);
    return rows.map(({ detail, ...row }) => {
      const decoded = decodeAuditDetail(detail);
      return { ...row, type: row.type as AuditEventType, ...(decoded && { detail: decoded }) };
    });
  }
}
