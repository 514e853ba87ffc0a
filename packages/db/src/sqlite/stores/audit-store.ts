import type {
  AuditEventType,
  AuditQuery,
  AuditRecord,
  AuditStore,
  FoldInstruction,
  StoredAuditEvent,
} from "@sesame/auth";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { auditEvents } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";

const p = sql.placeholder;
/** The row's first event: `first_at` is null for a row that holds one event. */
const firstAt = sql<number>`coalesce(${auditEvents.firstAt}, ${auditEvents.at})`;
/** A placeholder bound to a JSON array of types, so one prepared statement serves any set. */
const inTypes = (name: string) =>
  sql`${auditEvents.type} IN (SELECT value FROM json_each(${p(name)}))`;

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
    // Every lookup is bounded below by `at` (never before the row's first
    // event, nor before the first event of any row written later), so it
    // reads only the user's last hour through the (user_id, at) index
    // however long the log is.
    const recentRows = (since: string) =>
      and(eq(auditEvents.userId, p("userId")), sql`${auditEvents.at} >= ${p(since)}`);
    const startedSince = (since: string) => sql`${firstAt} >= ${p(since)}`;
    this.q = {
      rowsInCap: db
        .select({ rows: sql<number>`count(*)` })
        .from(auditEvents)
        .where(and(recentRows("capSince"), startedSince("capSince"), inTypes("capTypes")))
        .prepare(),
      latestOfType: db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(
          and(recentRows("capSince"), startedSince("capSince"), eq(auditEvents.type, p("type"))),
        )
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .prepare(),
      // The latest row that is either a candidate or ends a run: the event
      // folds only if that row is a candidate (nothing ended its run since).
      latestOfRun: db
        .select({ id: auditEvents.id, type: auditEvents.type })
        .from(auditEvents)
        .where(
          and(
            recentRows("since"),
            sql`((${auditEvents.type} = ${p("type")} AND ${startedSince("since")} AND (NOT ${p("sameSession")} OR ${auditEvents.sessionId} IS ${p("sessionId")})) OR ${inTypes("breakers")})`,
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .prepare(),
      fold: db
        .update(auditEvents)
        .set({
          // Every right-hand side reads the row as it was before this update.
          count: sql`${auditEvents.count} + 1`,
          firstAt: sql`min(${firstAt}, ${p("at")})`,
          at: sql`max(${auditEvents.at}, ${p("at")})`,
          sessionId: sql`${p("sessionId")}`,
          ip: sql`${p("ip")}`,
          userAgent: sql`${p("userAgent")}`,
        })
        .where(eq(auditEvents.id, p("id")))
        .prepare(),
    };
  }

  append(event: AuditRecord, fold?: FoldInstruction): Promise<void> {
    // One write job is one step no other process interleaves with (BEGIN
    // IMMEDIATE): the rows read to decide cannot change before the write.
    return this.writes.run(() => {
      const into = fold && event.userId !== null ? this.foldTarget(event, fold) : undefined;
      if (into === undefined) this.insert(event);
      else this.q.fold.run({ ...event, id: into });
    });
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
    const latest = this.q.latestOfRun.get({
      userId: event.userId,
      since: fold.since,
      type: event.type,
      sameSession: fold.sameSession ? 1 : 0,
      sessionId: event.sessionId,
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
    return rows.map((row) => ({
      ...row,
      type: row.type as AuditEventType,
      firstAt: row.firstAt ?? row.at,
    }));
  }
}
