import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

/**
 * Turns `DATABASE_URL` into a file path: a plain path, a `file:` URL
 * (`file:./data/x.db`, `file:///abs/x.db`), or `:memory:`.
 */
export function databasePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (url.startsWith("file://")) return fileURLToPath(url);
  if (url.startsWith("file:")) return resolve(url.slice("file:".length));
  return resolve(url);
}

/**
 * Opens the auth database with the settings auth needs:
 * - WAL, so readers never wait for the writer;
 * - `synchronous=FULL`: a revocation that is acknowledged must survive a power
 *   cut, or a stolen session could come back to life;
 * - foreign keys on (deleting a session deletes its tokens);
 * - a busy timeout, so processes sharing the file wait for the lock instead of failing.
 */
export function openDatabase(url: string): SqliteDatabase {
  const path = databasePath(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}
