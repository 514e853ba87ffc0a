import type { WebAuthnChallengeRecord, WebAuthnChallengeStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

interface ChallengeRow {
  challenge: string;
  purpose: WebAuthnChallengeRecord["purpose"];
  user_id: string | null;
  expires_at: number;
}

/** WebAuthn challenges in the shared database, so a challenge answered on one node is spent on all. */
export class PgWebAuthnChallengeStore implements WebAuthnChallengeStore {
  constructor(private readonly sql: PgSql) {}

  async issue(challenge: WebAuthnChallengeRecord): Promise<void> {
    const c = challenge;
    await this.sql`
      INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at)
      VALUES (${c.challenge}, ${c.purpose}, ${c.userId}, ${c.expiresAt})`;
  }

  /**
   * One statement: of simultaneous deletes of the row, the first takes its
   * lock and the others, once it commits, find it gone and return nothing.
   */
  async consume(challenge: string): Promise<WebAuthnChallengeRecord | undefined> {
    const [row] = await this.sql<ChallengeRow[]>`
      DELETE FROM webauthn_challenges WHERE challenge = ${challenge}
      RETURNING challenge, purpose, user_id, expires_at`;
    return row && toRecord(row);
  }

  async purgeExpiredBefore(before: number): Promise<number> {
    const purged = await this.sql`DELETE FROM webauthn_challenges WHERE expires_at < ${before}`;
    return purged.count;
  }
}

const toRecord = (row: ChallengeRow): WebAuthnChallengeRecord => ({
  challenge: row.challenge,
  purpose: row.purpose,
  userId: row.user_id,
  expiresAt: row.expires_at,
});
