import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

/** The database and the files SQLite keeps beside it in WAL mode. */
const SIDECARS = ["-wal", "-shm"];

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
 * Pages each connection keeps in memory, in KiB (SQLite's `-N` form):
 * better-sqlite3's build default, stated here so the bound is ours. The
 * cache fills as pages are read and then recycles, so a new server's
 * memory grows by up to this much as its database is used, then stops.
 */
export const PAGE_CACHE_KIB = 16_000;

/**
 * Opens the auth database with the settings auth needs:
 * - readable by its owner only: the file holds password hashes, emails and
 *   IPs, so a folder it creates is 0700 and the database, -wal and -shm are 0600;
 * - WAL, so readers never wait for the writer;
 * - `synchronous=FULL`: a revocation that is acknowledged must survive a power
 *   cut, or a stolen session could come back to life;
 * - foreign keys on (deleting a session deletes its tokens);
 * - a busy timeout, so processes sharing the file wait for the lock instead of failing;
 * - a page cache of PAGE_CACHE_KIB.
 */
export function openDatabase(url: string): SqliteDatabase {
  const path = databasePath(url);
  if (path !== ":memory:") createPrivately(path);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return db;
}

/**
 * Creates the folder (only the levels that are missing: a folder the operator
 * chose, such as /tmp, keeps its mode) and an empty database file, both owner
 * only, before SQLite opens it with the umask's mode.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  restrict(path);
  // SQLite gives new -wal and -shm files the database file's mode, but reuses
  // existing ones as they are: an older version left them group- and world-readable.
  for (const suffix of SIDECARS) restrict(path + suffix);
}

/** Makes a group- or world-accessible file 0600. */
function restrict(file: string): void {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined || (stats.mode & 0o077) === 0) return;
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A -wal file can go when another connection closes. Only the owner may
    // change the mode: a file another user owns keeps the mode its owner gave it.
    if (code !== "ENOENT" && code !== "EPERM") throw error;
  }
}
