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

  it("keeps only SHA-256 digests of the current refresh token and its parent, in the session's row", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const next = await auth.refresh(pair.refreshToken, META);
    const digest = (token: string) => createHash("sha256").update(token).digest("base64url");
    const row = storage.sqlite
      .prepare("SELECT refresh_hash, parent_hash FROM sessions WHERE id = ?")
      .get(pair.sessionId);
    expect(row).toEqual({
      refresh_hash: digest(next.refreshToken),
      parent_hash: digest(pair.refreshToken),
    });
  });

  it("a session's rows stay O(1) however often it rotates", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const count = () =>
      storage.sqlite
        .prepare(
          "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM session_revocations) + (SELECT count(*) FROM throttle_counters)",
        )
        .pluck()
        .get();
    const before = count();
    let token = pair.refreshToken;
    for (let i = 0; i < 50; i++) token = (await auth.refresh(token, META)).refreshToken;
    expect(count()).toBe(before);
  });

  it("housekeeping deletes a session a day after it ended", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth, clock } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    await auth.sessions.logout(pair.user.id, pair.sessionId, META);
    expect((await auth.purgeExpired()).sessions).toBe(0);
    clock.advance(2 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).sessions).toBe(1);
    expect(await storage.sessions.findById(pair.sessionId)).toBeUndefined();
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
