import type { DpopProofStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

/** Seen DPoP proof ids in the shared database, so a proof replayed to another process is refused too. */
export class PgDpopProofStore implements DpopProofStore {
  constructor(private readonly sql: PgSql) {}

  /** One statement: of two processes remembering the same proof at once, exactly one inserts it. */
  async remember(jtiHash: string, expiresAt: number): Promise<boolean> {
    const inserted = await this.sql`
      INSERT INTO dpop_proofs (jti_hash, expires_at) VALUES (${jtiHash}, ${expiresAt})
      ON CONFLICT DO NOTHING
      RETURNING jti_hash`;
    return inserted.length === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    const purged = await this.sql`DELETE FROM dpop_proofs WHERE expires_at <= ${now}`;
    return purged.count;
  }
}
