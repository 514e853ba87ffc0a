import {
  type AuditEventType,
  type AuditQuery,
  type AuditRecord,
  type AuditStore,
  type FoldInstruction,
  foldsIntoSessionRun,
  type StoredAuditEvent,
} from "@sesame/auth";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { decodeAuditDetail, encodeAuditDetail } from "../../audit-detail-json.ts";
import type { Db } from "../drizzle-client.ts";
import { auditEvents } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";

const p = sql.placeholder;

/**
 * The id of a session's latest row of the event's run (placeholders
 * sessionId, userId, type, detail, since), read through the (session_id, id)
 * index: one or two index entries on every refresh, however busy the account.
 * INDEXED BY, because SQLite's planner (without ANALYZE statistics) takes the
 * (user_id, first_at) index for this WHERE and reads every row the account
 * started in the last hour, a cost that grows with the account's activity.
 * Named, the index is used or the statement fails to prepare. Exported so a
 * test pins the plan.
 */
export const sessionRunLookup = sql`SELECT ${auditEvents.id} FROM ${auditEvents} INDEXED BY ${sql.identifier("audit_events_session_id_id_idx")} WHERE ${auditEvents.sessionId} = ${p("sessionId")} AND ${auditEvents.userId} = ${p("userId")} AND ${auditEvents.type} = ${p("type")} AND ${auditEvents.detail} IS ${p("detail")} AND ${auditEvents.firstAt} >= ${p("since")} ORDER BY ${auditEvents.id} DESC LIMIT 1`;
/** A placeholder bound to a JSON array of types, so one prepared statement serves any set. */
const inTypes = (name: string) =>
  sql`${auditEvents.type} IN (SELECT value FROM json_each(${p(name)}))`;

/** Whether the event folds into its own session's run, and names the user and session to find it by. */
const hasSessionRun = (event: AuditRecord, fold: FoldInstruction) =>
  foldsIntoSessionRun(fold) && event.userId !== null && event.sessionId !== null;

/** An account's rows started since the moment in placeholder `since`. */
const startedSince = (since: string) =>
  and(eq(auditEvents.userId, p("userId")), sql`${auditEvents.firstAt} >= ${p(since)}`);

/**
 * The cap's lookups: how many rows of the foldable types the account started
 * since `capSince`, and past the cap its latest row of the event's type.
 * Both read the (user_id, type, first_at) index, so only rows of those types
 * (at most the cap's) and not every sign-in and sign-out of the account's
 * hour. Exported unprepared so a test pins their plans.
 */
export function capLookups(db: Db) {
  return {
    rowsInCap: db
      .select({ rows: sql<number>`count(*)` })
      .from(auditEvents)
      .where(and(startedSince("capSince"), inTypes("capTypes"))),
    latestOfType: db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(startedSince("capSince"), eq(auditEvents.type, p("type"))))
      .orderBy(desc(auditEvents.id))
      .limit(1),
  };
}

export class SqliteAuditStore implements AuditStore {
  /** Prepared once, like the lookups: one audit write rides along with every login, refresh and logout. */
  private readonly insert;
  /** The lookups and the update that decide and apply a fold. */
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    this.insert = prepareAuditInsert(db);
    // Every lookup reads only the rows the user started since a moment,
    // however long the log is. A row that ends a candidate's run was written
    // after it, so it started after that moment too.
    const { rowsInCap, latestOfType } = capLookups(db);
    this.q = {
      rowsInCap: rowsInCap.prepare(),
      latestOfType: latestOfType.prepare(),
      // The latest row that is either a candidate or ends a run: the event
      // folds only if that row is a candidate (nothing ended its run since).
      // A candidate has the event's detail (`IS`: NULL matches NULL).
      latestOfRun: db
        .select({ id: auditEvents.id, type: auditEvents.type })
        .from(auditEvents)
        .where(
          and(
            startedSince("since"),
            sql`((${auditEvents.type} = ${p("type")} AND ${auditEvents.detail} IS ${p("detail")} AND (NOT ${p("sameSession")} OR ${auditEvents.sessionId} IS ${p("sessionId")})) OR ${inTypes("breakers")})`,
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .prepare(),
      // A session's own run (foldsIntoSessionRun): its latest candidate row
      // takes the event. The session and the detail are the row's already, so
      // they are not written.
      foldIntoSessionRun: db
        .update(auditEvents)
        .set({
          count: sql`${auditEvents.count} + 1`,
          firstAt: sql`min(${auditEvents.firstAt}, ${p("at")})`,
          at: sql`max(${auditEvents.at}, ${p("at")})`,
          ip: sql`${p("ip")}`,
          userAgent: sql`${p("userAgent")}`,
        })
        .where(sql`${auditEvents.id} = (${sessionRunLookup})`)
        .prepare(),
      fold: db
        .update(auditEvents)
        .set({
          // Every right-hand side reads the row as it was before this update.
          count: sql`${auditEvents.count} + 1`,
          firstAt: sql`min(${auditEvents.firstAt}, ${p("at")})`,
          at: sql`max(${auditEvents.at}, ${p("at")})`,
          sessionId: sql`${p("sessionId")}`,
          ip: sql`${p("ip")}`,
          userAgent: sql`${p("userAgent")}`,
          detail: sql`${p("detail")}`,
        })
        .where(eq(auditEvents.id, p("id")))
        .prepare(),
    };
  }

  append(event: AuditRecord, fold?: FoldInstruction): Promise<void> {
    return this.writes.run(() => this.appendInJob(event, fold));
  }

  /**
   * `append`'s work, for a write job of this store's or of another store
   * whose change commits with its event (a rotation). One write job is one
   * step no other process interleaves with (BEGIN IMMEDIATE): the rows read
   * to decide cannot change before the write.
   */
  appendInJob(event: AuditRecord, fold?: FoldInstruction): void {
    if (fold && this.foldIntoSessionRun(event, fold)) return;
    const into = fold && event.userId !== null ? this.foldTarget(event, fold) : undefined;
    if (into === undefined) this.insert(event);
    else this.q.fold.run({ ...event, detail: encodeAuditDetail(event.detail), id: into });
  }

  /** Folds the event into its session's run when the rule allows it and the run exists. Call inside a write job only. */
  private foldIntoSessionRun(event: AuditRecord, fold: FoldInstruction): boolean {
    if (!hasSessionRun(event, fold)) return false;
    const folded = this.q.foldIntoSessionRun.run({
      ...event,
      detail: encodeAuditDetail(event.detail),
      since: fold.since,
    });
    return folded.changes === 1;
  }

  /** The id of the row the event folds into, if any. Call inside a write job only. */
  private foldTarget(event: AuditRecord, fold: FoldInstruction): number | undefined {
    const { cap } = fold;
    const capSince = cap.since;
    const rows =
      this.q.rowsInCap.get({
        userId: event.userId,
        capSince,
        capTypes: JSON.stringify(cap.types),
      })?.rows ?? 0;
    if (rows >= cap.rows) {
      return this.q.latestOfType.get({ userId: event.userId, capSince, type: event.type })?.id;
    }
    // A session's own run was looked for already, in this same write job
    // (appendInJob): nothing else can be its run, and reading the account's
    // rows to look again would only cost a scan of its hour.
    if (hasSessionRun(event, fold)) return undefined;
    const latest = this.q.latestOfRun.get({
      userId: event.userId,
      since: fold.since,
      type: event.type,
      sameSession: fold.sameSession ? 1 : 0,
      sessionId: event.sessionId,
      detail: encodeAuditDetail(event.detail),
      breakers: JSON.stringify(fold.breakers),
    });
    return latest?.type === event.type ? latest.id : undefined;
  }

  purgeBefore(before: number): Promise<number> {
    return this.writes.run(
      () => this.db.delete(auditEvents).where(lt(auditEvents.at, before)).run().changes,
    );
  }

  async listForUser(userId: string, query: AuditQuery): Promise<StoredAuditEvent[]> {
    const rows = this.db
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
      .limit(query.limit)
      .all();
    return rows.map(({ detail, ...row }) => {
      const decoded = decodeAuditDetail(detail);
      return { ...row, type: row.type as AuditEventType, ...(decoded && { detail: decoded }) };
    });
  }
}
