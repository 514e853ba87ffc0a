import type { MfaTicketRecord, MfaTicketStore } from "@sesame/auth";
import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { mfaTickets } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** Sign-ins waiting for their second factor, in the shared database, so a ticket spent on one process is spent on all. */
export class SqliteMfaTicketStore implements MfaTicketStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      insert: db
        .insert(mfaTickets)
        .values({
          ticketHash: p("ticketHash"),
          userId: p("userId"),
          credentialVersion: p("credentialVersion"),
          amr: p("amr"),
          createdAt: p("createdAt"),
          expiresAt: p("expiresAt"),
        })
        .prepare(),
      byHash: db
        .select()
        .from(mfaTickets)
        .where(eq(mfaTickets.ticketHash, p("ticketHash")))
        .prepare(),
      consume: db
        .delete(mfaTickets)
        .where(eq(mfaTickets.ticketHash, p("ticketHash")))
        .prepare(),
      purgeExpired: db
        .delete(mfaTickets)
        .where(lt(mfaTickets.expiresAt, p("before")))
        .prepare(),
    };
  }

  issue(ticket: MfaTicketRecord): Promise<void> {
    return this.writes.run(() => {
      this.q.insert.run({ ...ticket, amr: JSON.stringify(ticket.amr) });
    });
  }

  async find(ticketHash: string): Promise<MfaTicketRecord | undefined> {
    const row = this.q.byHash.get({ ticketHash });
    return row && { ...row, amr: JSON.parse(row.amr) as string[] };
  }

  /** A delete under the write lock (BEGIN IMMEDIATE): of every process using the ticket at once, one deletes the row. */
  consume(ticketHash: string): Promise<boolean> {
    return this.writes.run(() => this.q.consume.run({ ticketHash }).changes === 1);
  }

  purgeExpiredBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.purgeExpired.run({ before }).changes);
  }
}
