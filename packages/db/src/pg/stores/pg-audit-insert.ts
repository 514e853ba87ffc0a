import type { AuditRecord } from "@sesame/auth";
import { encodeAuditDetail } from "../../audit-detail-json.ts";
import type { PgSql, PgTx } from "../pg-client.ts";

/** The first key of the two-key advisory locks that serialize one user's audit appends ("AUDT"). */
const AUDIT_LOCK_SPACE = 0x41554454;

/**
 * Takes the user's audit lock until the transaction ends. Every append for a
 * user takes it, plain or folded, so the appends of one user run one at a
 * time: a fold decides on rows no concurrent append is changing or adding
 * to, and ids are assigned in commit order per user (a row that took an id
 * cannot commit after a later one was read). Users whose ids hash alike only
 * share a queue.
 */
export async function lockUserAudit(tx: PgTx, userId: string): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_SPACE}::int, hashtext(${userId}))`;
}

/**
 * The plain insert of one audit event inside a transaction, for stores whose
 * change and its event must commit together (a session and its sign-in, a
 * password change): under the user's audit lock, as every append for a user.
 */
export async function insertAudit(tx: PgTx, event: AuditRecord): Promise<void> {
  if (event.userId !== null) await lockUserAudit(tx, event.userId);
  await insertAuditRow(tx, event);
}

/** The row alone: under the user's audit lock, or for an event of no user (nothing to fold or order). */
export async function insertAuditRow(sql: PgSql | PgTx, event: AuditRecord): Promise<void> {
  await sql`
    INSERT INTO audit_events (type, at, first_at, user_id, session_id, ip, user_agent, detail)
    VALUES (${event.type}, ${event.at}, ${event.at}, ${event.userId}, ${event.sessionId}, ${event.ip}, ${event.userAgent}, ${encodeAuditDetail(event.detail)})`;
}
