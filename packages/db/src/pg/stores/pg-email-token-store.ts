import type { EmailTokenPurpose, EmailTokenRecord, EmailTokenStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

/** The first key of the two-key advisory locks that serialize one user's link issues ("MAIL"). */
const ISSUE_LOCK_SPACE = 0x4d41494c;

interface TokenRow {
  token_hash: string;
  purpose: EmailTokenPurpose;
  user_id: string;
  email: string;
  created_at: number;
  expires_at: number;
}

/** One-time email links in the shared database, so a link used on one node is spent on all. */
export class PgEmailTokenStore implements EmailTokenStore {
  constructor(private readonly sql: PgSql) {}

  /**
   * One transaction, under the user's issue lock: two links issued at once
   * (a "send again" clicked twice, on two nodes) run one after the other, so
   * the second's delete, with a snapshot taken after the first committed,
   * voids the first and one link of the purpose stays live, as on SQLite.
   */
  async issue(token: EmailTokenRecord): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${ISSUE_LOCK_SPACE}::int, hashtext(${token.userId}))`;
      await tx`DELETE FROM email_tokens WHERE user_id = ${token.userId} AND purpose = ${token.purpose}`;
      await tx`
        INSERT INTO email_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
        VALUES (${token.tokenHash}, ${token.purpose}, ${token.userId}, ${token.email},
          ${token.createdAt}, ${token.expiresAt})`;
    });
  }

  /**
   * One statement: of simultaneous deletes of the row, the first takes its
   * lock and the others, once it commits, find it gone and return nothing.
   */
  async consume(
    tokenHash: string,
    purpose: EmailTokenPurpose,
  ): Promise<EmailTokenRecord | undefined> {
    const [row] = await this.sql<TokenRow[]>`
      DELETE FROM email_tokens WHERE token_hash = ${tokenHash} AND purpose = ${purpose}
      RETURNING token_hash, purpose, user_id, email, created_at, expires_at`;
    return row && toRecord(row);
  }

  async voidForUser(userId: string, purposes: readonly EmailTokenPurpose[]): Promise<number> {
    const voided = await this.sql`
      DELETE FROM email_tokens WHERE user_id = ${userId} AND purpose = ANY(${[...purposes]}::text[])`;
    return voided.count;
  }

  async purgeExpiredBefore(before: number): Promise<number> {
    const purged = await this.sql`DELETE FROM email_tokens WHERE expires_at < ${before}`;
    return purged.count;
  }
}

const toRecord = (row: TokenRow): EmailTokenRecord => ({
  tokenHash: row.token_hash,
  purpose: row.purpose,
  userId: row.user_id,
  email: row.email,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});
