import type { AuditEventType, AuditRecord, AuditStore } from "@sesame/auth";
import { desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { auditEvents } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

export class SqliteAuditStore implements AuditStore {
  /** Prepared once: one audit insert rides along with every login, refresh and logout. */
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.insert = db
      .insert(auditEvents)
      .values({
        type: p("type"),
        at: p("at"),
        userId: p("userId"),
        sessionId: p("sessionId"),
        ip: p("ip"),
        userAgent: p("userAgent"),
      })
      .prepare();
  }

  append(event: AuditRecord): Promise<void> {
    return this.writes.run(() => {
      this.insert.run({ ...event });
    });
  }

  purgeBefore(before: number): Promise<number> {
    return this.writes.run(
      () => this.db.delete(auditEvents).where(lt(auditEvents.at, before)).run().changes,
    );
  }

  async listForUser(userId: string, limit: number): Promise<Array<AuditRecord & { id: number }>> {
    const rows = this.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.userId, userId))
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(limit)
      .all();
    return rows.map((row) => ({ ...row, type: row.type as AuditEventType }));
  }
}
