import type { WebAuthnChallengeRecord, WebAuthnChallengeStore } from "@sesame/auth";
import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { webauthnChallenges } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** WebAuthn challenges in the shared database, so a challenge answered on one process is spent on all. */
export class SqliteWebAuthnChallengeStore implements WebAuthnChallengeStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      insert: db
        .insert(webauthnChallenges)
        .values({
          challenge: p("challenge"),
          purpose: p("purpose"),
          userId: p("userId"),
          expiresAt: p("expiresAt"),
        })
        .prepare(),
      consume: db
        .delete(webauthnChallenges)
        .where(eq(webauthnChallenges.challenge, p("challenge")))
        .returning()
        .prepare(),
      purgeExpired: db
        .delete(webauthnChallenges)
        .where(lt(webauthnChallenges.expiresAt, p("before")))
        .prepare(),
    };
  }

  issue(challenge: WebAuthnChallengeRecord): Promise<void> {
    return this.writes.run(() => {
      this.q.insert.run({ ...challenge });
    });
  }

  /** A delete under the write lock (BEGIN IMMEDIATE): of every process answering the challenge at once, one deletes the row. */
  consume(challenge: string): Promise<WebAuthnChallengeRecord | undefined> {
    return this.writes.run(() => this.q.consume.get({ challenge }));
  }

  purgeExpiredBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.purgeExpired.run({ before }).changes);
  }
}
