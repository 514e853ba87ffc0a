import type { MfaTicketRecord, MfaTicketStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

interface TicketRow {
  ticket_hash: string;
  user_id: string;
  credential_version: number;
  amr: string;
  created_at: number;
  expires_at: number;
}

/** Sign-ins waiting for their second factor, in the shared database, so a ticket spent on one node is spent on all. */
export class PgMfaTicketStore implements MfaTicketStore {
  constructor(private readonly sql: PgSql) {}

  async issue(ticket: MfaTicketRecord): Promise<void> {
    const t = ticket;
    await this.sql`
      INSERT INTO mfa_tickets (ticket_hash, user_id, credential_version, amr, created_at, expires_at)
      VALUES (${t.ticketHash}, ${t.userId}, ${t.credentialVersion}, ${JSON.stringify(t.amr)},
        ${t.createdAt}, ${t.expiresAt})`;
  }

  async find(ticketHash: string): Promise<MfaTicketRecord | undefined> {
    const [row] = await this.sql<TicketRow[]>`
      SELECT ticket_hash, user_id, credential_version, amr, created_at, expires_at
      FROM mfa_tickets WHERE ticket_hash = ${ticketHash}`;
    return row && toRecord(row);
  }

  /**
   * One statement: of simultaneous deletes of the row, the first takes its
   * lock and the others, once it commits, find it gone and delete nothing.
   */
  async consume(ticketHash: string): Promise<boolean> {
    const consumed = await this.sql`DELETE FROM mfa_tickets WHERE ticket_hash = ${ticketHash}`;
    return consumed.count === 1;
  }

  async purgeExpiredBefore(before: number): Promise<number> {
    const purged = await this.sql`DELETE FROM mfa_tickets WHERE expires_at < ${before}`;
    return purged.count;
  }
}

const toRecord = (row: TicketRow): MfaTicketRecord => ({
  ticketHash: row.ticket_hash,
  userId: row.user_id,
  credentialVersion: row.credential_version,
  amr: JSON.parse(row.amr) as string[],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});
