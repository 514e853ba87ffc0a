import type { AuditDetail, AuditEvent, AuditEventType, AuditListInput } from "@sesame/contracts";
import type { Clock } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { AuditAppend, AuditRecord, AuditStore } from "../storage.ts";
import { foldInstructionFor } from "./fold-rules.ts";

/** How many events `list` answers when the caller does not say. */
export const AUDIT_LIST_DEFAULT_LIMIT = 50;

/**
 * Writes security events (who, which session, from where, when) for the user
 * and for operators, folding repeated ones so that a flood of them cannot
 * bury the events that matter (fold-rules.ts), and reads them back a page at
 * a time.
 */
export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  record(
    type: AuditEventType,
    subject: { userId: string | null; sessionId?: string | null },
    meta: RequestMeta,
    detail?: AuditDetail,
  ): Promise<void> {
    const { event, fold } = this.entry(type, subject, meta, detail);
    return this.store.append(event, fold);
  }

  /** The event `record` would append, and how it folds: for a store write that commits it with its change. */
  entry(
    type: AuditEventType,
    subject: { userId: string | null; sessionId?: string | null },
    meta: RequestMeta,
    detail?: AuditDetail,
  ): AuditAppend {
    const at = this.clock.now();
    const event: AuditRecord = {
      type,
      at,
      userId: subject.userId,
      sessionId: subject.sessionId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      ...(detail && { detail }),
    };
    // Events of no account (an unknown email) are shown to no one and counted
    // against no account's cap: they stay one row each, for operators.
    const fold = subject.userId === null ? undefined : foldInstructionFor(type, at);
    return fold ? { event, fold } : { event };
  }

  /** The user's events, newest first, in the wire shape. */
  async list(userId: string, options: NonNullable<AuditListInput> = {}): Promise<AuditEvent[]> {
    const rows = await this.store.listForUser(userId, {
      limit: options.limit ?? AUDIT_LIST_DEFAULT_LIMIT,
      before: options.before,
      types: options.types,
    });
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      at: new Date(row.at).toISOString(),
      firstAt: new Date(row.firstAt).toISOString(),
      count: row.count,
      sessionId: row.sessionId,
      ip: row.ip,
      userAgent: row.userAgent,
      ...(row.detail && { detail: row.detail }),
    }));
  }
}
