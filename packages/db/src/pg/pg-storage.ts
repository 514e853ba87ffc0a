import type { AuthStorage, KeyRingStore } from "@sesame/auth";
import { applyPostgresMigrations } from "./migrate.ts";
import { connectPostgres, drizzleOn, type PgClientOptions, type PgSql } from "./pg-client.ts";
import { PgRevocationFeed } from "./pg-revocation-feed.ts";
import { PgAuditStore } from "./stores/pg-audit-store.ts";
import { PgDpopProofStore } from "./stores/pg-dpop-proof-store.ts";
import { PgEmailTokenStore } from "./stores/pg-email-token-store.ts";
import { PgIdentityStore } from "./stores/pg-identity-store.ts";
import { PgKeyRingStore } from "./stores/pg-key-ring-store.ts";
import { PgMfaTicketStore } from "./stores/pg-mfa-ticket-store.ts";
import { PgOAuthStateStore } from "./stores/pg-oauth-state-store.ts";
import { PgPasskeyStore } from "./stores/pg-passkey-store.ts";
import { PgSecondFactorStore } from "./stores/pg-second-factor-store.ts";
import { PgSessionRevocations } from "./stores/pg-session-revocations.ts";
import { PgSessionStore } from "./stores/pg-session-store.ts";
import { PgThrottleStore } from "./stores/pg-throttle-store.ts";
import { PgUserStore } from "./stores/pg-user-store.ts";
import { PgWebAuthnChallengeStore } from "./stores/pg-webauthn-challenge-store.ts";
import { guardedStore } from "./unavailable.ts";

export interface PostgresStorage extends AuthStorage {
  readonly dialect: "postgresql";
  /** Machines sharing only the database keep their signing keys in it. */
  keyRing: KeyRingStore;
  /** The postgres.js pool, for tests and health checks. */
  sql: PgSql;
}

export interface PostgresStorageOptions extends PgClientOptions {
  /** How often the revocation feed reads the table when no notification came (default 500 ms). */
  revocationPollMs?: number;
}

/**
 * Applies the committed migrations (under an advisory lock, so nodes starting
 * together migrate once) and returns the storage on a postgres.js pool. Every
 * store method turns a lost database into UNAVAILABLE (unavailable.ts); the
 * pool reconnects by itself once the database is back.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresStorageOptions = {},
): Promise<PostgresStorage> {
  await applyPostgresMigrations(url);
  const sql = connectPostgres(url, options);
  const db = drizzleOn(sql);
  const revocations = new PgSessionRevocations();
  const feed = new PgRevocationFeed(sql, options.revocationPollMs);
  const audit = new PgAuditStore(db, sql);
  return {
    sql,
    users: guardedStore(new PgUserStore(db, sql, revocations)),
    sessions: guardedStore(new PgSessionStore(db, sql, revocations, audit)),
    throttle: guardedStore(new PgThrottleStore(sql)),
    audit: guardedStore(audit),
    dpopProofs: guardedStore(new PgDpopProofStore(sql)),
    emailTokens: guardedStore(new PgEmailTokenStore(sql)),
    secondFactors: guardedStore(new PgSecondFactorStore(sql, revocations)),
    mfaTickets: guardedStore(new PgMfaTicketStore(sql)),
    passkeys: guardedStore(new PgPasskeyStore(sql)),
    webauthnChallenges: guardedStore(new PgWebAuthnChallengeStore(sql)),
    identities: guardedStore(new PgIdentityStore(sql)),
    oauthStates: guardedStore(new PgOAuthStateStore(sql)),
    revocations: guardedStore(feed),
    keyRing: guardedStore(new PgKeyRingStore(sql)),
    dialect: "postgresql",
    close: async () => {
      await feed.stop();
      // Queries in flight finish first; after 5 s whatever is left is cut.
      await sql.end({ timeout: 5 });
    },
  };
}
