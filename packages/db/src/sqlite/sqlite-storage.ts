import type { AuthStorage } from "@sesame/auth";
import { drizzleClient } from "./drizzle-client.ts";
import { applyMigrations } from "./migrate.ts";
import { openDatabase, type SqliteDatabase } from "./open-database.ts";
import { SqliteAuditStore } from "./stores/audit-store.ts";
import { SqliteDpopProofStore } from "./stores/dpop-proof-store.ts";
import { SqliteEmailTokenStore } from "./stores/email-token-store.ts";
import { SqliteIdentityStore } from "./stores/identity-store.ts";
import { SqliteMfaTicketStore } from "./stores/mfa-ticket-store.ts";
import { SqliteOAuthStateStore } from "./stores/oauth-state-store.ts";
import { SqlitePasskeyStore } from "./stores/passkey-store.ts";
import { SqliteSecondFactorStore } from "./stores/second-factor-store.ts";
import { SessionRevocations } from "./stores/session-revocations.ts";
import { SqliteSessionStore } from "./stores/session-store.ts";
import { SqliteRevocationFeed } from "./stores/sqlite-revocation-feed.ts";
import { SqliteThrottleStore } from "./stores/throttle-store.ts";
import { SqliteUserStore } from "./stores/user-store.ts";
import { SqliteWebAuthnChallengeStore } from "./stores/webauthn-challenge-store.ts";
import { WriteBatcher } from "./write-batcher.ts";

export interface SqliteStorage extends AuthStorage {
  readonly dialect: "sqlite";
  sqlite: SqliteDatabase;
}

/** The auth core's storage on an open SQLite database (migrations already applied). */
export function sqliteStorage(sqlite: SqliteDatabase): SqliteStorage {
  const db = drizzleClient(sqlite);
  const writes = new WriteBatcher(sqlite);
  const revocations = new SessionRevocations(db);
  const audit = new SqliteAuditStore(db, writes);
  return {
    sqlite,
    users: new SqliteUserStore(db, writes, revocations),
    sessions: new SqliteSessionStore(db, writes, revocations, audit),
    throttle: new SqliteThrottleStore(db, writes),
    audit,
    dpopProofs: new SqliteDpopProofStore(db, writes),
    emailTokens: new SqliteEmailTokenStore(db, writes),
    secondFactors: new SqliteSecondFactorStore(db, writes, revocations),
    mfaTickets: new SqliteMfaTicketStore(db, writes),
    passkeys: new SqlitePasskeyStore(db, writes),
    webauthnChallenges: new SqliteWebAuthnChallengeStore(db, writes),
    identities: new SqliteIdentityStore(db, writes),
    oauthStates: new SqliteOAuthStateStore(db, writes),
    revocations: new SqliteRevocationFeed(db, sqlite, revocations),
    dialect: "sqlite",
    close: async () => {
      // A write queued in this turn is committed (or failed) before the connection goes.
      await writes.drain();
      sqlite.close();
    },
  };
}

/**
 * Opens `DATABASE_URL`, applies the committed migrations and returns the
 * storage: what the server calls on start and tests call for a fresh database.
 */
export function openSqliteStorage(url: string): SqliteStorage {
  const sqlite = openDatabase(url);
  applyMigrations(sqlite);
  return sqliteStorage(sqlite);
}
