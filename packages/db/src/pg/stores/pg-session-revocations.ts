import type { RevokeReason } from "@sesame/auth";
import type { PgTx } from "../pg-client.ts";

/** The LISTEN/NOTIFY channel of the revocation feed (pg-revocation-feed.ts). */
export const REVOCATION_CHANNEL = "sesame_revocations";

/**
 * Revoking sessions inside a transaction, shared by every store whose change
 * ends sessions in the same commit (a logout, a password change, a disable):
 * one statement marks the live sessions and appends them to the feed (the
 * row's `xid` is this transaction's, by default), then a notification wakes
 * every listener. PostgreSQL delivers it at commit, never before the rows are
 * visible, and drops it if the transaction rolls back.
 */
export class PgSessionRevocations {
  /** Revokes the session if it is live and the user's; answers whether it did. */
  async revokeOne(
    tx: PgTx,
    sessionId: string,
    userId: string,
    reason: RevokeReason,
    now: number,
  ): Promise<boolean> {
    const rows = await tx`
      WITH revoked AS (
        UPDATE sessions SET revoked_at = ${now}, revoke_reason = ${reason}
        WHERE id = ${sessionId} AND user_id = ${userId} AND revoked_at IS NULL
        RETURNING id
      ), fed AS (
        INSERT INTO session_revocations (session_id, revoked_at)
        SELECT id, ${now}::bigint FROM revoked
      )
      SELECT id FROM revoked`;
    await this.notifyIf(tx, rows.length);
    return rows.length === 1;
  }

  /** Revokes the user's live sessions but `exceptSessionId`; answers their ids. */
  async revokeLiveOfUser(
    tx: PgTx,
    userId: string,
    reason: RevokeReason,
    now: number,
    exceptSessionId?: string,
  ): Promise<string[]> {
    const rows = await tx<{ id: string }[]>`
      WITH revoked AS (
        UPDATE sessions SET revoked_at = ${now}, revoke_reason = ${reason}
        WHERE user_id = ${userId} AND revoked_at IS NULL
          AND (${exceptSessionId ?? null}::text IS NULL OR id <> ${exceptSessionId ?? null}::text)
        RETURNING id
      ), fed AS (
        INSERT INTO session_revocations (session_id, revoked_at)
        SELECT id, ${now}::bigint FROM revoked
      )
      SELECT id FROM revoked`;
    await this.notifyIf(tx, rows.length);
    return rows.map(({ id }) => id);
  }

  /** One notification per transaction however many rows (the payload is empty: listeners read the table). */
  private async notifyIf(tx: PgTx, revoked: number): Promise<void> {
    if (revoked > 0) await tx`SELECT pg_notify(${REVOCATION_CHANNEL}, '')`;
  }
}
