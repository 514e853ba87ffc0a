import type { Clock } from "../clock.ts";
import type { AuditEventType } from "../contracts/outputs.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { AuditStore } from "../storage.ts";

/** Writes security events (who, which session, from where, when) for the user and for operators. */
export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  record(
    type: AuditEventType,
    subject: { userId: string | null; sessionId?: string | null },
    meta: RequestMeta,
  ): Promise<void> {
    return this.store.append({
      type,
      at: this.clock.now(),
      userId: subject.userId,
      sessionId: subject.sessionId ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }
}
