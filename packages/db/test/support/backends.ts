import { readFileSync } from "node:fs";
import type { AuthStorage } from "@sesame/auth";
import { startCluster } from "../../../../scripts/postgres-cluster.mjs";
import {
  openPostgresStorage,
  openSqliteStorage,
  type PostgresStorage,
  type SqliteStorage,
} from "../../src/index.ts";
import { freshPostgresDatabase } from "../../test-support/index.ts";
import { afterThisTest, freshDatabaseFile } from "./fixtures.ts";

/**
 * One storage backend as the conformance tests see it: every test of the
 * contract runs once per backend (`describe.each(backends)`), so both are held
 * to the same guarantees by the same code.
 */
export interface Backend {
  readonly dialect: AuthStorage["dialect"];
  /**
   * How long another process's revocation may take to reach this one's
   * access-token check: SQLite catches up synchronously before each check,
   * PostgreSQL's feed delivers on NOTIFY (and polls every 500 ms).
   */
  readonly revocationDelayMs: number;
  /** A storage on a fresh database with the real migrations; closed after the test. */
  open(): Promise<AuthStorage>;
  /**
   * A storage on a database nothing else in the run shares, for tests that
   * measure what concurrent work elsewhere legitimately changes. On
   * PostgreSQL that is a cluster of its own: pruning a page's dead row
   * versions waits for every older transaction still running in any of the
   * cluster's databases (the snapshot horizon is the cluster's), so the run's
   * shared cluster, busy with other test files, defers it.
   */
  openAlone(): Promise<AuthStorage>;
  /** Another storage on `storage`'s database: a second server process. */
  openSecond(storage: AuthStorage): Promise<AuthStorage>;
  /** Everything the database holds, as text to search: what a stolen copy of it would show. */
  contents(storage: AuthStorage): Promise<string>;
  /** Rows of raw SQL on the storage's database: `?` placeholders, integers as numbers on both. */
  query<Row = Record<string, unknown>>(
    storage: AuthStorage,
    text: string,
    params?: unknown[],
  ): Promise<Row[]>;
}

const sqliteFiles = new WeakMap<AuthStorage, string>();
const postgresUrls = new WeakMap<AuthStorage, string>();

function openSqliteOn(file: string): SqliteStorage {
  const storage = openSqliteStorage(file);
  sqliteFiles.set(storage, file);
  afterThisTest(() => storage.close());
  return storage;
}

async function openPostgresOn(url: string): Promise<PostgresStorage> {
  const storage = await openPostgresStorage(url);
  postgresUrls.set(storage, url);
  afterThisTest(() => storage.close());
  return storage;
}

function known<K extends object, V>(map: WeakMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error("not a storage this backend opened");
  return value;
}

export const sqlite: Backend = {
  dialect: "sqlite",
  revocationDelayMs: 0,
  open: async () => openSqliteOn(freshDatabaseFile()),
  openAlone: async () => openSqliteOn(freshDatabaseFile()),
  openSecond: async (storage) => openSqliteOn(known(sqliteFiles, storage)),
  contents: async (storage) => {
    // Every page into the main file, then the file's bytes: free pages and the WAL included.
    (storage as SqliteStorage).sqlite.pragma("wal_checkpoint(TRUNCATE)");
    return readFileSync(known(sqliteFiles, storage)).toString("latin1");
  },
  query: async <Row>(storage: AuthStorage, text: string, params: unknown[] = []) =>
    (storage as SqliteStorage).sqlite.prepare(text).all(...params) as Row[],
};

export const postgresql: Backend = {
  dialect: "postgresql",
  revocationDelayMs: 1000,
  open: async () => openPostgresOn(await freshPostgresDatabase()),
  openAlone: async () => {
    const cluster = await startCluster();
    const storage = await openPostgresStorage(cluster.url);
    postgresUrls.set(storage, cluster.url);
    afterThisTest(async () => {
      await storage.close();
      await cluster.stop();
    });
    return storage;
  },
  openSecond: (storage) => openPostgresOn(known(postgresUrls, storage)),
  contents: async (storage) => {
    const { sql } = storage as PostgresStorage;
    // Every row of every table (ours and drizzle's) as JSON, and the files of
    // those tables, their TOAST and indexes as the server wrote them (after a
    // checkpoint, so nothing is left only in memory): dead row versions too.
    const tables = await sql<{ name: string }[]>`
      SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname IN ('public', 'drizzle')`;
    const dumps = await Promise.all(
      tables.map(({ name }) => sql.unsafe(`SELECT row_to_json(t)::text AS row FROM ${name} t`)),
    );
    await sql`CHECKPOINT`;
    const files = await sql<{ bytes: Buffer }[]>`
      SELECT pg_read_binary_file(pg_relation_filepath(c.oid)) AS bytes FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'i', 't') AND (n.nspname IN ('public', 'drizzle') OR c.oid IN (
        SELECT reltoastrelid FROM pg_class JOIN pg_namespace ns ON ns.oid = relnamespace
        WHERE ns.nspname IN ('public', 'drizzle')))`;
    return [
      ...dumps.flatMap((result) => result.map(({ row }) => row as string)),
      ...files.map(({ bytes }) => bytes.toString("latin1")),
    ].join("\n");
  },
  query: async <Row>(storage: AuthStorage, text: string, params: unknown[] = []) => {
    let n = 0;
    const rows = await (storage as PostgresStorage).sql.unsafe(
      text.replace(/\?/g, () => `$${++n}`),
      params as never[],
    );
    return rows as unknown as Row[];
  },
};

export const backends: Backend[] = [sqlite, postgresql];

/** The URL of the database a PostgreSQL storage of this backend was opened on. */
export const postgresUrlOf = (storage: AuthStorage): string => known(postgresUrls, storage);

/** The first column of the first row. */
export async function queryValue<T = unknown>(
  backend: Backend,
  storage: AuthStorage,
  text: string,
  params: unknown[] = [],
): Promise<T> {
  const [row] = await backend.query<Record<string, unknown>>(storage, text, params);
  return (row ? Object.values(row)[0] : undefined) as T;
}

/**
 * Resolves once `check` holds, trying until `withinMs` has passed (once only
 * for 0): for what one backend guarantees at once and another within a delay.
 */
export async function eventually(
  withinMs: number,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
