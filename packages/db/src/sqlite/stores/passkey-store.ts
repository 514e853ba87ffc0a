import type { AuditRecord, PasskeyRecord, PasskeyStore, PasskeyUse } from "@sesame/auth";
import { and, asc, eq, lt, or, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { passkeys } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";

/**
 * Passkeys in the shared database. Every write is one job of the write
 * batcher, under the write lock (BEGIN IMMEDIATE), so the guarded update of
 * a use decides on the counter as committed by every process: of
 * simultaneous uses of one assertion, one records it.
 */
export class SqlitePasskeyStore implements PasskeyStore {
  private readonly q;
  private readonly insertAudit;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      /** A known credential id (any account's) is left as it is. */
      insert: db
        .insert(passkeys)
        .values({
          id: p("id"),
          userId: p("userId"),
          publicKey: p("publicKey"),
          counter: p("counter"),
          transports: p("transports"),
          deviceType: p("deviceType"),
          backedUp: p("backedUp"),
          name: p("name"),
          createdAt: p("createdAt"),
          lastUsedAt: p("lastUsedAt"),
        })
        .onConflictDoNothing({ target: passkeys.id })
        .prepare(),
      byId: db
        .select()
        .from(passkeys)
        .where(eq(passkeys.id, p("id")))
        .prepare(),
      ofUser: db
        .select()
        .from(passkeys)
        .where(eq(passkeys.userId, p("userId")))
        .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
        .prepare(),
      /** Only a counter past the stored one moves it, or 0 again for an authenticator that keeps none. */
      recordUse: db
        .update(passkeys)
        .set({
          counter: p("counter") as never,
          backedUp: p("backedUp") as never,
          lastUsedAt: p("now") as never,
        })
        .where(
          and(
            eq(passkeys.id, p("id")),
            or(
              lt(passkeys.counter, p("counter")),
              and(eq(passkeys.counter, 0), sql`${p("counter")} = 0`),
            ),
          ),
        )
        .prepare(),
      remove: db
        .delete(passkeys)
        .where(and(eq(passkeys.id, p("id")), eq(passkeys.userId, p("userId"))))
        .prepare(),
    };
    this.insertAudit = prepareAuditInsert(db);
  }

  /** One job, so one commit: a passkey never lands without its event, and a known id writes neither. */
  create(passkey: PasskeyRecord, audit: AuditRecord): Promise<"created" | "exists"> {
    return this.writes.run(() => {
      const row = { ...passkey, transports: JSON.stringify(passkey.transports) };
      if (this.q.insert.run(row).changes !== 1) return "exists";
      this.insertAudit(audit);
      return "created";
    });
  }

  async findById(id: string): Promise<PasskeyRecord | undefined> {
    const row = this.q.byId.get({ id });
    return row && toRecord(row);
  }

  async listForUser(userId: string): Promise<PasskeyRecord[]> {
    return this.q.ofUser.all({ userId }).map(toRecord);
  }

  recordUse(use: PasskeyUse): Promise<boolean> {
    return this.writes.run(() => this.q.recordUse.run({ ...use }).changes === 1);
  }

  /** One job: the delete and, only if it deleted the user's passkey, its event. */
  remove(userId: string, id: string, audit: AuditRecord): Promise<boolean> {
    return this.writes.run(() => {
      if (this.q.remove.run({ id, userId }).changes !== 1) return false;
      this.insertAudit(audit);
      return true;
    });
  }
}

const toRecord = (row: typeof passkeys.$inferSelect): PasskeyRecord => ({
  ...row,
  transports: JSON.parse(row.transports) as string[],
});
