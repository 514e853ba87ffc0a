import type { EmailTokenPurpose, EmailTokenRecord, EmailTokenStore } from "@sesame/auth";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { emailTokens } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

/** One-time email links in the shared database, so a link used on one process is spent on all. */
export class SqliteEmailTokenStore implements EmailTokenStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      voidPurpose: db
        .delete(emailTokens)
        .where(and(eq(emailTokens.userId, p("userId")), eq(emailTokens.purpose, p("purpose"))))
        .prepare(),
      insert: db
        .insert(emailTokens)
        .values({
          tokenHash: p("tokenHash"),
          purpose: p("purpose"),
          userId: p("userId"),
          email: p("email"),
          createdAt: p("createdAt"),
          expiresAt: p("expiresAt"),
        })
        .prepare(),
      consume: db
        .delete(emailTokens)
        .where(
          and(eq(emailTokens.tokenHash, p("tokenHash")), eq(emailTokens.purpose, p("purpose"))),
        )
        .returning()
        .prepare(),
      purgeExpired: db
        .delete(emailTokens)
        .where(lt(emailTokens.expiresAt, p("before")))
        .prepare(),
    };
  }

  /** One job: the older links of the purpose go in the commit that adds the new one. */
  issue(token: EmailTokenRecord): Promise<void> {
    return this.writes.run(() => {
      this.q.voidPurpose.run({ userId: token.userId, purpose: token.purpose });
      this.q.insert.run({ ...token });
    });
  }

  /** A delete under the write lock (BEGIN IMMEDIATE): of every process using the link at once, one deletes the row. */
  consume(tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailTokenRecord | undefined> {
    return this.writes.run(() => this.q.consume.get({ tokenHash, purpose }));
  }

  voidForUser(userId: string, purposes: readonly EmailTokenPurpose[]): Promise<number> {
    if (purposes.length === 0) return Promise.resolve(0);
    return this.writes.run(
      () =>
        this.db
          .delete(emailTokens)
          .where(and(eq(emailTokens.userId, userId), inArray(emailTokens.purpose, [...purposes])))
          .run().changes,
    );
  }

  purgeExpiredBefore(before: number): Promise<number> {
    return this.writes.run(() => this.q.purgeExpired.run({ before }).changes);
  }
}
