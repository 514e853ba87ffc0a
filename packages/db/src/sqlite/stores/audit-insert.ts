import type { AuditRecord } from "@sesame/auth";
import { sql } from "drizzle-orm";
import { encodeAuditDetail } from "../../audit-detail-json.ts";
import type { Db } from "../drizzle-client.ts";
import { auditEvents } from "../schema.ts";

/**
 * The plain insert of one audit event, for stores whose change and its event
 * must commit together (a session and its sign-in, a password change).
 */
export function prepareAuditInsert(db: Db) {
  const p = sql.placeholder;
  const insert = db
    .insert(auditEvents)
    .values({
      type: p("type"),
      at: p("at"),
      firstAt: p("at"),
      userId: p("userId"),
      sessionId: p("sessionId"),
      ip: p("ip"),
      userAgent: p("userAgent"),
      detail: p("detail"),
    })
    .prepare();
  /** Call inside a write job only. */
  return (event: AuditRecord): void => {
    insert.run({ ...event, detail: encodeAuditDetail(event.detail) });
  };
}
