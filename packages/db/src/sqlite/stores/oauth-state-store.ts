import type { OAuthStateRecord, OAuthStateStore } from "@sesame/auth";
import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { oauthStates } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** Authorization requests in flight in the shared database, so a state answered on one process is spent on all. */
export class SqliteOAuthStateStore implements OAuthStateStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      insert: db
        .insert(oauthStates)
        .values({
          stateHash: p("stateHash"),
          provider: p("provider"),
          codeVerifier: p("codeVerifier"),
          nonce: p("nonce"),
          returnTo: p("returnTo"),
          redirectUri: p("redirectUri"),
          browserHash: p("browserHash"),
          linkUserId: p("linkUserId"),
          expiresAt: p("expiresAt"),
        })
        .prepare(),
      consume: db
        .delete(oauthStates)
        .where(eq(oauthStates.stateHash, p("stateHash")))
        .returning()
        .prepare(),
      purgeExpired: db
        .delete(oauthStates)
        .where(lt(oauthStates.expiresAt, p("before")))
        .prepare(),
    };
  }

  issue(state: OAuthStateRecord): Promise<void> {
    return this.writes.run(() => {
      this.q.insert.run({ ...state });
    });
  }

  /** A delete under the write lock (BEGIN IMMEDIATE): of every process answering the state at once, one deletes the row. */
  consume(stateHash: string): Promise<OAuthStateRecord | undefined> {
    return this.writes.run(() => this.q.consume.get({ stateHash }));
  }

  purgeExpiredBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.purgeExpired.run({ before }).changes);
  }
}
