/**
 * @sesame/db — @sesame/auth's storage on SQLite (the embedded default:
 * better-sqlite3, group commit) and PostgreSQL (many machines): Drizzle
 * schemas and committed migrations per dialect, and one seam that picks the
 * backend from `DATABASE_URL`.
 */
export { defaultDataDir } from "./data-dir.ts";
export { isPostgresUrl, type OpenStorageOptions, openStorage } from "./open-storage.ts";
export { applyPostgresMigrations, PG_MIGRATIONS_FOLDER } from "./pg/migrate.ts";
export {
  openPostgresStorage,
  type PostgresStorage,
  type PostgresStorageOptions,
} from "./pg/pg-storage.ts";
export * as pgSchema from "./pg/schema.ts";
export { isUnavailable } from "./pg/unavailable.ts";
export { applyMigrations, MIGRATIONS_FOLDER } from "./sqlite/migrate.ts";
export {
  databasePath,
  openDatabase,
  PAGE_CACHE_KIB,
  type SqliteDatabase,
} from "./sqlite/open-database.ts";
export * as schema from "./sqlite/schema.ts";
export { openSqliteStorage, type SqliteStorage, sqliteStorage } from "./sqlite/sqlite-storage.ts";
export { WriteBatcher } from "./sqlite/write-batcher.ts";
