import Database from "better-sqlite3";
import pg from "pg";

/** A database better-auth accepts as it is, with a count of the queries it has run on it. */
export interface CountedDatabase {
  /** What `betterAuth({ database })` takes: a better-sqlite3 database or a pg Pool. */
  database: Database.Database | pg.Pool;
  /** Statements run so far: how the bench tells a session read from its cookie from one read from the database. */
  queries(): number;
  close(): Promise<void>;
}

/**
 * better-auth's database at `location`: a `postgres://` URL opens a pg Pool
 * with its defaults (10 connections, as Sesame's own pool), anything else a
 * better-sqlite3 file with Sesame's settings (WAL, synchronous=FULL).
 */
export function openCountedDatabase(location: string): CountedDatabase {
  return /^postgres(ql)?:\/\//i.test(location) ? openPostgres(location) : openSqlite(location);
}

function openSqlite(path: string): CountedDatabase {
  let queries = 0;
  // better-sqlite3 calls `verbose` with every statement it runs.
  const db = new Database(path, { verbose: () => void queries++ });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return {
    database: db,
    queries: () => queries,
    close: async () => {
      db.close();
    },
  };
}

function openPostgres(url: string): CountedDatabase {
  let queries = 0;
  const pool = new pg.Pool({ connectionString: url });
  // Kysely (better-auth's query layer) runs every statement through a pooled client's `query`.
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      queries++;
      return query(...args);
    }) as typeof client.query;
  });
  return {
    database: pool,
    queries: () => queries,
    close: () => pool.end(),
  };
}
