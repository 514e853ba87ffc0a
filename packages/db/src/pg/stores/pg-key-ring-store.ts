import type { KeyRingStore, StoredKeyRing } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

/** The signing-key ring in its one-row table, shared by every node. */
export class PgKeyRingStore implements KeyRingStore {
  constructor(private readonly sql: PgSql) {}

  async read(): Promise<StoredKeyRing | undefined> {
    const [row] = await this.sql<
      StoredKeyRing[]
    >`SELECT version, sealed FROM key_ring WHERE id = 1`;
    return row && { version: row.version, sealed: row.sealed };
  }

  /**
   * Compare-and-set in one statement either way: the first ring is an insert
   * of the one row (of nodes starting together, one inserts, the others find
   * it taken), every later one an update guarded by the version read, which
   * PostgreSQL re-checks after any concurrent update of the row commits.
   */
  async write(sealed: string, expectedVersion: number): Promise<boolean> {
    const written =
      expectedVersion === 0
        ? await this.sql`
            INSERT INTO key_ring (id, version, sealed) VALUES (1, 1, ${sealed})
            ON CONFLICT (id) DO NOTHING`
        : await this.sql`
            UPDATE key_ring SET version = version + 1, sealed = ${sealed}
            WHERE id = 1 AND version = ${expectedVersion}`;
    return written.count === 1;
  }
}
