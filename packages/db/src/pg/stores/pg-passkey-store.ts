import type { AuditRecord, PasskeyRecord, PasskeyStore, PasskeyUse } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";
import { insertAudit } from "./pg-audit-insert.ts";

interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: PasskeyRecord["deviceType"];
  backed_up: boolean;
  name: string | null;
  created_at: number;
  last_used_at: number | null;
}

/**
 * Passkeys in the shared database. A use is recorded by one guarded
 * statement: of simultaneous uses of one assertion, from any number of
 * nodes, the first takes the row's lock and the others, once it commits,
 * re-check their WHERE on the counter it wrote and change nothing.
 */
export class PgPasskeyStore implements PasskeyStore {
  constructor(private readonly sql: PgSql) {}

  /**
   * One transaction: the insert, then its event (under the user's audit
   * lock, taken last). A known credential id, even one committed by another
   * node meanwhile, inserts nothing, and then no event is written.
   */
  create(passkey: PasskeyRecord, audit: AuditRecord): Promise<"created" | "exists"> {
    const k = passkey;
    return this.sql.begin(async (tx) => {
      const inserted = await tx`
        INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up,
          name, created_at, last_used_at)
        VALUES (${k.id}, ${k.userId}, ${k.publicKey}, ${k.counter}, ${JSON.stringify(k.transports)},
          ${k.deviceType}, ${k.backedUp}, ${k.name}, ${k.createdAt}, ${k.lastUsedAt})
        ON CONFLICT (id) DO NOTHING
        RETURNING id`;
      if (inserted.length !== 1) return "exists" as const;
      await insertAudit(tx, audit);
      return "created" as const;
    });
  }

  async findById(id: string): Promise<PasskeyRecord | undefined> {
    const [row] = await this.sql<PasskeyRow[]>`
      SELECT id, user_id, public_key, counter, transports, device_type, backed_up, name,
        created_at, last_used_at
      FROM passkeys WHERE id = ${id}`;
    return row && toRecord(row);
  }

  async listForUser(userId: string): Promise<PasskeyRecord[]> {
    const rows = await this.sql<PasskeyRow[]>`
      SELECT id, user_id, public_key, counter, transports, device_type, backed_up, name,
        created_at, last_used_at
      FROM passkeys WHERE user_id = ${userId} ORDER BY created_at, id`;
    return rows.map(toRecord);
  }

  /** Only a counter past the stored one moves it, or 0 again for an authenticator that keeps none. */
  async recordUse(use: PasskeyUse): Promise<boolean> {
    // The counter compared with 0 is cast: left alone its parameter would be
    // inferred as an integer, too narrow for an unsigned 32-bit counter.
    const used = await this.sql`
      UPDATE passkeys SET counter = ${use.counter}, backed_up = ${use.backedUp},
        last_used_at = ${use.now}
      WHERE id = ${use.id}
        AND (counter < ${use.counter} OR (counter = 0 AND ${use.counter}::bigint = 0))`;
    return used.count === 1;
  }

  /** One transaction: the delete and, only if it deleted the user's passkey, its event. */
  remove(userId: string, id: string, audit: AuditRecord): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const removed = await tx`DELETE FROM passkeys WHERE id = ${id} AND user_id = ${userId}`;
      if (removed.count !== 1) return false;
      await insertAudit(tx, audit);
      return true;
    });
  }
}

const toRecord = (row: PasskeyRow): PasskeyRecord => ({
  id: row.id,
  userId: row.user_id,
  publicKey: row.public_key,
  counter: row.counter,
  transports: JSON.parse(row.transports) as string[],
  deviceType: row.device_type,
  backedUp: row.backed_up,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});
