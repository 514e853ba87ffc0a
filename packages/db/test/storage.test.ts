import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openDatabase, WriteBatcher } from "../src/index.ts";
import {
  authOn,
  email,
  freshDatabaseFile,
  META,
  openStorage,
  PASSWORD,
} from "./support/fixtures.ts";

describe("the SQLite database", () => {
  it("opens with WAL, synchronous=FULL, foreign keys and a busy timeout", () => {
    const storage = openStorage(freshDatabaseFile());
    const pragma = (name: string) => storage.sqlite.pragma(name, { simple: true });
    expect(pragma("journal_mode")).toBe("wal");
    expect(pragma("synchronous")).toBe(2);
    expect(pragma("foreign_keys")).toBe(1);
    expect(pragma("busy_timeout")).toBe(5000);
  });

  it("applies the committed migrations once, from any number of opens", () => {
    const file = freshDatabaseFile();
    openStorage(file);
    const storage = openStorage(file);
    const tables = storage.sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).toEqual([
      "__drizzle_migrations",
      "audit_events",
      "dpop_proofs",
      "refresh_tokens",
      "session_revocations",
      "sessions",
      "throttle_counters",
      "users",
    ]);
  });

  it("stores refresh tokens only as hashes: the file contains none of them", async () => {
    const file = freshDatabaseFile();
    const storage = openStorage(file);
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const tokens = [pair.refreshToken];
    for (let i = 0; i < 5; i++)
      tokens.push((await auth.refresh(tokens.at(-1) ?? "", META)).refreshToken);
    storage.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    const bytes = readFileSync(file).toString("latin1");
    for (const token of tokens) {
      expect(bytes.includes(token)).toBe(false);
      expect(bytes.includes(token.split(".")[2] ?? "")).toBe(false);
    }
  });

  it("finds a refresh token by the SHA-256 of the token, the only key its row has", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const digest = createHash("sha256").update(pair.refreshToken).digest();
    const keys = storage.sqlite.prepare("SELECT token_hash FROM refresh_tokens").pluck().all();
    expect(keys).toHaveLength(1);
    expect([digest.toString("hex"), digest.toString("base64url")]).toContain(keys[0]);
    // The lookup is an index seek on that hash: nothing compares the token itself.
    const plan = storage.sqlite
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM refresh_tokens WHERE token_hash = ?")
      .all(keys[0]) as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join()).toMatch(/USING (PRIMARY KEY|INDEX)/);
    expect(await storage.sessions.findByRefreshTokenHash(String(keys[0]))).toMatchObject({
      id: pair.sessionId,
    });
  });

  it("deleting a session deletes its refresh tokens (cascade)", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth, clock } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    await auth.sessions.logout(pair.user.id, pair.sessionId, META);
    clock.advance(2 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).sessions).toBe(1);
    expect(storage.sqlite.prepare("SELECT count(*) FROM refresh_tokens").pluck().get()).toBe(0);
  });

  it("keeps audit events for their retention (90 days), then purges them", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth, clock } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    clock.advance(89 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).auditEvents).toBe(0);
    expect(await auth.auditLog(pair.user.id)).toHaveLength(1);
    clock.advance(2 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).auditEvents).toBe(1);
    expect(await auth.auditLog(pair.user.id)).toEqual([]);
  });

  it("group commit: one failing write does not undo the others in its batch", async () => {
    const db = openDatabase(freshDatabaseFile());
    db.exec("CREATE TABLE t (v INTEGER UNIQUE)");
    const batcher = new WriteBatcher(db);
    const insert = (v: number) => batcher.run(() => db.prepare("INSERT INTO t VALUES (?)").run(v));
    const results = await Promise.allSettled([insert(1), insert(1), insert(2)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(db.prepare("SELECT v FROM t ORDER BY v").pluck().all()).toEqual([1, 2]);
    db.close();
  });
});
