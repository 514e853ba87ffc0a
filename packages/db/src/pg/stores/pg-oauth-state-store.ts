import type { OAuthStateRecord, OAuthStateStore } from "@sesame/auth";
import type { PgSql } from "../pg-client.ts";

interface StateRow {
  state_hash: string;
  provider: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  redirect_uri: string | null;
  browser_hash: string | null;
  link_user_id: string | null;
  expires_at: number;
}

/** Authorization requests in flight in the shared database, so a state answered on one node is spent on all. */
export class PgOAuthStateStore implements OAuthStateStore {
  constructor(private readonly sql: PgSql) {}

  async issue(state: OAuthStateRecord): Promise<void> {
    const s = state;
    await this.sql`
      INSERT INTO oauth_states (state_hash, provider, code_verifier, nonce, return_to, redirect_uri,
        browser_hash, link_user_id, expires_at)
      VALUES (${s.stateHash}, ${s.provider}, ${s.codeVerifier}, ${s.nonce}, ${s.returnTo},
        ${s.redirectUri}, ${s.browserHash}, ${s.linkUserId}, ${s.expiresAt})`;
  }

  /**
   * One statement: of simultaneous deletes of the row, the first takes its
   * lock and the others, once it commits, find it gone and return nothing.
   */
  async consume(stateHash: string): Promise<OAuthStateRecord | undefined> {
    const [row] = await this.sql<StateRow[]>`
      DELETE FROM oauth_states WHERE state_hash = ${stateHash}
      RETURNING state_hash, provider, code_verifier, nonce, return_to, redirect_uri, browser_hash,
        link_user_id, expires_at`;
    return row && toRecord(row);
  }

  async purgeExpiredBefore(before: number): Promise<number> {
    const purged = await this.sql`DELETE FROM oauth_states WHERE expires_at < ${before}`;
    return purged.count;
  }
}

const toRecord = (row: StateRow): OAuthStateRecord => ({
  stateHash: row.state_hash,
  provider: row.provider,
  codeVerifier: row.code_verifier,
  nonce: row.nonce,
  returnTo: row.return_to,
  redirectUri: row.redirect_uri,
  browserHash: row.browser_hash,
  linkUserId: row.link_user_id,
  expiresAt: row.expires_at,
});
