import { createHash } from "node:crypto";
import type { AuditEventType, AuditRecord, SessionRecord } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import {
  openDatabase,
  openStorage,
  PAGE_CACHE_KIB,
  type PostgresStorage,
  WriteBatcher,
} from "../src/index.ts";
import { freshPostgresDatabase } from "../test-support/index.ts";
import { type Backend, backends, postgresql, queryValue } from "./support/backends.ts";
import {
  afterThisTest,
  authOn,
  email,
  freshDatabaseFile,
  META,
  openSqlite,
  PASSWORD,
} from "./support/fixtures.ts";

describe.each(backends)("storage on $dialect", (backend: Backend) => {
  it("stores refresh tokens only as hashes: the database contains none of them", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const tokens = [pair.refreshToken];
    for (let i = 0; i < 5; i++)
      tokens.push((await auth.refresh(tokens.at(-1) ?? "", META)).refreshToken);
    const contents = await backend.contents(storage);
    // The scan sees what was written: the user's email is there.
    expect(contents).toContain(pair.user.email);
    for (const token of tokens) {
      expect(contents.includes(token)).toBe(false);
      expect(contents.includes(token.split(".")[2] ?? "")).toBe(false);
    }
  });

  it("keeps only SHA-256 digests of the current refresh token and its parent, in the session's row", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const next = await auth.refresh(pair.refreshToken, META);
    const digest = (token: string) => createHash("sha256").update(token).digest("base64url");
    const rows = await backend.query(
      storage,
      "SELECT refresh_hash, parent_hash FROM sessions WHERE id = ?",
      [pair.sessionId],
    );
    expect(rows).toEqual([
      { refresh_hash: digest(next.refreshToken), parent_hash: digest(pair.refreshToken) },
    ]);
  });

  it("a session's rows stay O(1) however often it rotates", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const count = () =>
      queryValue(
        backend,
        storage,
        "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM session_revocations) + (SELECT count(*) FROM throttle_counters) AS n",
      );
    const before = await count();
    let token = pair.refreshToken;
    for (let i = 0; i < 50; i++) token = (await auth.refresh(token, META)).refreshToken;
    expect(await count()).toBe(before);
  });

  it("housekeeping deletes a session a day after it ended", async () => {
    const storage = await backend.open();
    const { auth, clock } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    await auth.sessions.logout(pair.user.id, pair.sessionId, META);
    expect((await auth.purgeExpired()).sessions).toBe(0);
    clock.advance(2 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).sessions).toBe(1);
    expect(await storage.sessions.findById(pair.sessionId)).toBeUndefined();
    expect(
      await queryValue(backend, storage, "SELECT count(*) AS n FROM session_revocations"),
    ).toBe(0);
  });

  it("keeps audit events for their retention (90 days), then purges them", async () => {
    const storage = await backend.open();
    const { auth, clock } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    // The sign-up, its verification link being issued and mailed.
    await auth.drainMail();
    clock.advance(89 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).auditEvents).toBe(0);
    expect(await auth.auditLog(pair.user.id)).toHaveLength(3);
    clock.advance(2 * 24 * 3600 * 1000);
    expect((await auth.purgeExpired()).auditEvents).toBe(3);
    expect(await auth.auditLog(pair.user.id)).toEqual([]);
  });

  it("remembers a DPoP proof once: of two processes recording it at once, one does; expired ones go", async () => {
    const one = await backend.open();
    const two = await backend.openSecond(one);
    const now = Date.now();
    for (let i = 0; i < 10; i++) {
      const both = await Promise.all([
        one.dpopProofs.remember(`jti ${i}`, now + 60_000),
        two.dpopProofs.remember(`jti ${i}`, now + 60_000),
      ]);
      expect(both.filter(Boolean)).toHaveLength(1);
    }
    expect(await one.dpopProofs.remember("old", now - 1)).toBe(true);
    expect(await two.dpopProofs.purgeExpired(now)).toBe(1);
    expect(await two.dpopProofs.remember("jti 3", now + 60_000)).toBe(false);
  });

  it("a revocation feed started again delivers every revocation on record again", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const pair = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    await auth.sessions.logout(pair.user.id, pair.sessionId, META);
    const heard = async () => {
      const ids: string[] = [];
      await storage.revocations.start((revocations) => {
        ids.push(...revocations.map(({ sessionId }) => sessionId));
      });
      await storage.revocations.stop();
      return ids;
    };
    await auth.stop();
    expect(await heard()).toEqual([pair.sessionId]);
    expect(await heard()).toEqual([pair.sessionId]);
  });

  it("reads a session with its user in one call, each as its own read gives it", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const first = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    // A rotation leaves the parent's seal on the session: the joined read carries it too.
    const { sessionId } = await auth.refresh(first.refreshToken, META);
    const read = await storage.sessions.findWithUser(sessionId);
    expect(read?.session.parentSeal).toEqual(expect.any(String));
    expect(read).toEqual({
      session: await storage.sessions.findById(sessionId),
      user: await storage.users.findById(first.user.id),
    });
    expect(await storage.sessions.findWithUser("no such session")).toBeUndefined();
  });

  it("a login checked against a credential that changed meanwhile writes nothing", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const { user } = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const now = Date.now();
    await storage.users.replacePassword({
      userId: user.id,
      now,
      reason: "password_changed",
      passwordHash: "another hash",
      audit: audit("password_changed", user.id, now),
    });
    const created = await storage.sessions.create(
      session("late", user.id, now),
      { credentialVersion: 0 },
      audit("login_succeeded", user.id, now),
    );
    expect(created).toBe("credential_changed");
    expect(await storage.sessions.findById("late")).toBeUndefined();
  });

  it("no login racing a password change keeps a live session", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const { user } = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    const now = Date.now();
    const logins = Array.from({ length: 20 }, (_, i) =>
      storage.sessions.create(
        session(`racing-${i}`, user.id, now),
        { credentialVersion: 0 },
        audit("login_succeeded", user.id, now),
      ),
    );
    const change = storage.users.replacePassword({
      userId: user.id,
      now,
      reason: "password_changed",
      passwordHash: "another hash",
      audit: audit("password_changed", user.id, now),
    });
    const [revoked, ...outcomes] = await Promise.all([change, ...logins]);
    // Each login either lost to the change or was ended by it, in one commit with it.
    const created = logins.map((_, i) => `racing-${i}`).filter((_, i) => outcomes[i] === "created");
    expect(revoked).toEqual(expect.arrayContaining(created));
    expect(await storage.sessions.listActive(user.id, now)).toEqual([]);
  });
});

const session = (id: string, userId: string, now: number): SessionRecord => ({
  id,
  userId,
  createdAt: now,
  lastUsedAt: now,
  idleExpiresAt: now + 3_600_000,
  absoluteExpiresAt: now + 7_200_000,
  revokedAt: null,
  revokeReason: null,
  userAgent: null,
  ip: null,
  dpopJkt: null,
  refreshHash: `hash of ${id}`,
  parentHash: null,
  rotatedAt: null,
  parentSeal: null,
  rotatedBy: null,
  amr: ["pwd"],
});

const audit = (type: AuditEventType, userId: string, at: number): AuditRecord => ({
  type,
  at,
  userId,
  sessionId: null,
  ip: null,
  userAgent: null,
});

describe("the SQLite database", () => {
  it("opens with WAL, synchronous=FULL, foreign keys, a busy timeout and its page cache", () => {
    const storage = openSqlite(freshDatabaseFile());
    const pragma = (name: string) => storage.sqlite.pragma(name, { simple: true });
    expect(pragma("journal_mode")).toBe("wal");
    expect(pragma("synchronous")).toBe(2);
    expect(pragma("foreign_keys")).toBe(1);
    expect(pragma("busy_timeout")).toBe(5000);
    expect(pragma("cache_size")).toBe(-PAGE_CACHE_KIB);
  });

  it("applies the committed migrations once, from any number of opens", () => {
    const file = freshDatabaseFile();
    openSqlite(file);
    const storage = openSqlite(file);
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
      "email_tokens",
      "identities",
      "mfa_tickets",
      "oauth_states",
      "passkeys",
      "recovery_codes",
      "session_revocations",
      "session_seals",
      "sessions",
      "throttle_counters",
      "totp_factors",
      "users",
      "webauthn_challenges",
    ]);
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

describe("the PostgreSQL database", () => {
  it("has SQLite's tables, and the key ring, once the migrations ran", async () => {
    const storage = await postgresql.open();
    const second = await postgresql.openSecond(storage);
    const tables = await postgresql.query(
      second,
      "SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname IN ('public', 'drizzle') ORDER BY name",
    );
    expect(tables.map((row) => row.name)).toEqual([
      "drizzle.__drizzle_migrations",
      "public.audit_events",
      "public.dpop_proofs",
      "public.email_tokens",
      "public.identities",
      "public.key_ring",
      "public.mfa_tickets",
      "public.oauth_states",
      "public.passkeys",
      "public.recovery_codes",
      "public.session_revocations",
      "public.session_seals",
      "public.sessions",
      "public.throttle_counters",
      "public.totp_factors",
      "public.users",
      "public.webauthn_challenges",
    ]);
  });

  it("runs on a pool of the size asked for, with statements prepared", async () => {
    const storage = (await postgresql.open()) as PostgresStorage;
    expect(storage.sql.options.max).toBe(10);
    expect(storage.sql.options.prepare).toBe(true);
  });
});

describe("openStorage, the one seam", () => {
  it("picks the backend from the URL: postgres:// and postgresql:// are PostgreSQL, anything else SQLite", async () => {
    const url = await freshPostgresDatabase();
    const opened = await Promise.all([
      openStorage(url, { poolSize: 2 }),
      openStorage(url.replace(/^postgres:/, "postgresql:"), { poolSize: 2 }),
      openStorage(freshDatabaseFile()),
      openStorage(`file:${freshDatabaseFile()}`),
    ]);
    for (const storage of opened) afterThisTest(() => storage.close());
    expect(opened.map((storage) => storage.dialect)).toEqual([
      "postgresql",
      "postgresql",
      "sqlite",
      "sqlite",
    ]);
    expect((opened[0] as PostgresStorage).sql.options.max).toBe(2);
  });
});
