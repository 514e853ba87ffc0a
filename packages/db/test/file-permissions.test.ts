import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type SqliteDatabase } from "../src/index.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sesame-perms-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(file: string): SqliteDatabase {
  const db = openDatabase(file);
  cleanups.unshift(() => db.close());
  return db;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A write, so SQLite has created the -wal and -shm files (they live while the connection is open). */
function write(db: SqliteDatabase): void {
  db.exec("CREATE TABLE IF NOT EXISTS t (secret TEXT)");
  db.prepare("INSERT INTO t VALUES (?)").run("$argon2id$v=19$...");
}

describe("the database files are readable by their owner only", () => {
  it("a folder it creates is 0700 (the folder above keeps its mode); the database, -wal and -shm are 0600", () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const file = join(parent, "data", "nested", "sesame.db");
    write(open(file));

    expect(modeOf(parent)).toBe(0o755);
    expect(modeOf(join(parent, "data"))).toBe(0o700);
    expect(modeOf(join(parent, "data", "nested"))).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(path), path).toBe(true);
      expect(modeOf(path), path).toBe(0o600);
    }
  });

  it("an existing world-readable database, -wal and -shm (left by an older version) are made 0600", () => {
    const file = join(tempDir(), "sesame.db");
    // Another connection keeps -wal and -shm on disk while this one opens the file.
    const first = openDatabase(file);
    write(first);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    const second = open(file);
    first.close();

    write(second);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
  });
});
