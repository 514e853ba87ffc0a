import type { DpopProofStore } from "@sesame/auth";
import { lte, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { dpopProofs } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** Seen DPoP proof ids in the shared database, so a proof replayed to another process is refused too. */
export class SqliteDpopProofStore implements DpopProofStore {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.insert = db
      .insert(dpopProofs)
      .values({ jtiHash: p("jtiHash"), expiresAt: p("expiresAt") })
      .onConflictDoNothing()
      .prepare();
  }

  remember(jtiHash: string, expiresAt: number): Promise<boolean> {
    return this.writes.run(() => this.insert.run({ jtiHash, expiresAt }).changes === 1);
  }

  purgeExpired(now: number): Promise<number> {
    return this.writes.run(
      () => this.db.delete(dpopProofs).where(lte(dpopProofs.expiresAt, now)).run().changes,
    );
  }
}
