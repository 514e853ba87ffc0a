import type { AuditEventType, AuditRecord, AuditStore } from "@sesame/auth";
import { desc, eq } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { auditEvents } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

export class SqliteAuditStore implements AuditStore {
  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {}

  append(event: AuditRecord): Promise<void> {
    return this.writes.run(() => {
      this.db.insert(auditEvents).values(event).run();
    });
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
