/**
 * @sesame/db — the SQLite implementation of @sesame/auth's storage: Drizzle
 * schema, committed migrations, the better-sqlite3 client and group commit.
 */
export { applyMigrations, MIGRATIONS_FOLDER } from "./migrate.ts";
export { databasePath, openDatabase, type SqliteDatabase } from "./open-database.ts";
export * as schema from "./schema.ts";
export { openSqliteStorage, type SqliteStorage, sqliteStorage } from "./sqlite-storage.ts";
export { WriteBatcher } from "./write-batcher.ts";
