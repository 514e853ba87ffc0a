import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { unlessUnavailable } from "./unavailable.ts";

/** The committed drizzle-kit migrations for PostgreSQL. */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle/pg", import.meta.url));

/**
 * The session-level advisory lock every Sesame node takes to migrate (a fixed
 * 64-bit key, "SESAMEDB" in ASCII). Per-user audit locks use the two-key form,
 * whose key space does not overlap this one.
 */
const MIGRATION_LOCK = "6000293618475418690";

/**
 * Applies every migration not yet applied, under an advisory lock. Nodes that
 * start together on an empty database would otherwise all read "nothing
 * applied" and run the same DDL at once (CREATE SCHEMA races, a migration
 * applied twice); with the lock the first migrates and the others wait, then
 * find nothing to do. The lock is held by a connection of its own, the one
 * that migrates (an advisory lock belongs to a session), and goes with it if
 * the process dies mid-way.
 */
export function applyPostgresMigrations(url: string): Promise<void> {
  return unlessUnavailable(async () => {
    const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
    try {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK}::bigint)`;
      try {
        await migrate(drizzle({ client: sql }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK}::bigint)`;
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
}
