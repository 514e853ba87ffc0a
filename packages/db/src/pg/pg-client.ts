import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.ts";

export interface PgClientOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Seconds to wait for a connection before the call fails as UNAVAILABLE (default 5). */
  connectTimeout?: number;
}

/** int8 → number: every bigint here is epoch milliseconds, an id or a count, all far below 2^53. */
const INT8_AS_NUMBER = {
  to: 20,
  from: [20],
  serialize: (value: number) => String(value),
  parse: (value: string) => Number(value),
};

/**
 * The postgres.js pool a storage runs on. It connects lazily and reconnects by
 * itself: a connection lost with the server is replaced on the next query, so
 * the storage recovers when the database is back without being reopened.
 * - `connect_timeout`: a call made while the server is unreachable fails
 *   within seconds (as UNAVAILABLE, unavailable.ts) instead of hanging;
 * - `backoff` capped at 1 s: postgres.js waits before reconnecting, and its
 *   default grows to 20 s after a run of failures, which would keep serving
 *   errors for that long after the database came back;
 * - statements are prepared (postgres.js's default), per connection.
 */
export function connectPostgres(url: string, options: PgClientOptions = {}) {
  return postgres(url, {
    max: options.poolSize ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    types: { int8: INT8_AS_NUMBER },
    // CREATE ... IF NOT EXISTS and the like talk; nothing here needs to hear it.
    onnotice: () => {},
  });
}

export type PgSql = ReturnType<typeof connectPostgres>;
export type PgDb = PostgresJsDatabase<typeof schema>;

export function drizzleOn(sql: PgSql): PgDb {
  return drizzle({ client: sql, schema });
}

/** A transaction of the pool (sql.begin's argument). */
export type PgTx = postgres.TransactionSql<{ int8: number }>;
