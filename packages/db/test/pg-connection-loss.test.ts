import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AuthError, type AuthStorage } from "@sesame/auth";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startCluster } from "../../../scripts/postgres-cluster.mjs";
import { isUnavailable, openPostgresStorage, openStorage } from "../src/index.ts";
import { freshPostgresDatabase } from "../test-support/index.ts";
import { eventually } from "./support/backends.ts";
import { afterThisTest } from "./support/fixtures.ts";

/** How a call ended and how long it took. */
async function timed(call: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await call();
    return { ok: true as const, ms: performance.now() - started };
  } catch (error) {
    return { ok: false as const, error, ms: performance.now() - started };
  }
}

/** The codes along an error's chain of causes. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  return codes;
}

const expectUnavailable = (error: unknown) => {
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe("UNAVAILABLE");
  expect((error as AuthError).cause).toBeDefined();
};

async function seeded(storage: AuthStorage, id: string) {
  const now = Date.now();
  await storage.users.create({
    id,
    email: `${id}@example.com`,
    name: null,
    role: "user",
    passwordHash: "not a hash",
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: null,
  });
  for (const n of [1, 2]) {
    await storage.sessions.create(
      {
        id: `${id}-s${n}`,
        userId: id,
        createdAt: now,
        lastUsedAt: now,
        idleExpiresAt: now + 3_600_000,
        absoluteExpiresAt: now + 7_200_000,
        revokedAt: null,
        revokeReason: null,
        userAgent: null,
        ip: null,
        dpopJkt: null,
        refreshHash: `hash ${n}`,
        parentHash: null,
        rotatedAt: null,
        parentSeal: null,
        rotatedBy: null,
        amr: ["pwd"],
      },
      { credentialVersion: 0 },
      {
        type: "login_succeeded",
        at: now,
        userId: id,
        sessionId: `${id}-s${n}`,
        ip: null,
        userAgent: null,
      },
    );
  }
}

describe("which errors mean the database cannot be reached", () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it("connection losses, refusals, timeouts, shutdowns and a full server; wrapped ones too", () => {
    for (const code of [
      "CONNECTION_CLOSED",
      "CONNECTION_ENDED",
      "CONNECTION_DESTROYED",
      "CONNECT_TIMEOUT",
      "ECONNREFUSED",
      "ECONNRESET",
      "08006",
      "08001",
      "57P01",
      "57P02",
      "57P03",
      "53300",
    ]) {
      expect(isUnavailable(coded(code)), code).toBe(true);
    }
    // As drizzle wraps a driver's error, and Node a failed connection to each address.
    expect(isUnavailable(new Error("Failed query", { cause: coded("57P01") }))).toBe(true);
    expect(isUnavailable(new AggregateError([coded("ECONNREFUSED")]))).toBe(true);
  });

  it("not a statement's own failure: a constraint, a syntax error, a deadlock, a plain error", () => {
    for (const code of ["23505", "42601", "40P01", "57014"]) {
      expect(isUnavailable(coded(code)), code).toBe(false);
    }
    expect(isUnavailable(new Error("boom"))).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
  });
});

describe("a PostgreSQL storage losing its database", () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    // A cluster of this file's own: killing the run's shared one would disturb every other file.
    cluster = await startCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  async function database(): Promise<string> {
    const name = `loss_${randomBytes(6).toString("hex")}`;
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end({ timeout: 1 });
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  it("rejects calls as UNAVAILABLE within seconds while it is down, and works again once it is back, unreopened", async () => {
    const url = await database();
    const storage = await openPostgresStorage(url, { connectTimeout: 2 });
    afterThisTest(() => storage.close());
    const other = await openPostgresStorage(url);
    afterThisTest(() => other.close());
    const arrived = new Set<string>();
    await other.revocations.start((revocations) => {
      for (const { sessionId } of revocations) arrived.add(sessionId);
    });
    await seeded(storage, "u1");

    // Calls of every kind, one every 20 ms, for as long as the crash and the recovery last.
    const killed = cluster.kill();
    let down = true;
    void killed.finally(() => {
      down = false;
    });
    const outcomes: Awaited<ReturnType<typeof timed>>[] = [];
    const calls = [
      () => storage.sessions.findById("u1-s1"),
      () =>
        storage.throttle.spend({
          key: "k",
          limit: 1_000_000,
          expiredFrom: Date.now() - 60_000,
          fresh: { key: "k", failures: 1, windowStartedAt: Date.now(), lastFailureAt: Date.now() },
        }),
      () => storage.audit.listForUser("u1", { limit: 10 }),
      () => storage.dpopProofs.remember(randomBytes(8).toString("hex"), Date.now() + 60_000),
    ];
    const running: Promise<void>[] = [];
    for (let i = 0; down; i++) {
      const call = calls[i % calls.length] ?? calls[0];
      running.push(
        timed(call as () => Promise<unknown>).then((outcome) => void outcomes.push(outcome)),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await killed;
    await Promise.all(running);

    const failures = outcomes.filter((outcome) => !outcome.ok);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expectUnavailable(failure.error);
    // connect_timeout 2 s: nothing waits on a dead server much longer.
    expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeLessThan(4_000);

    // Back: the same storage works (its pool reconnected), writes included.
    expect(
      await eventually(
        5_000,
        async () => (await timed(() => storage.sessions.findById("u1-s1"))).ok,
      ),
    ).toBe(true);
    expect(await storage.sessions.revoke("u1-s2", "u1", "logout", Date.now())).toBe(true);
    expect((await storage.sessions.findById("u1-s2"))?.revokedAt).not.toBeNull();
    // The other storage's feed reconnected and catches it.
    expect(await eventually(3_000, async () => arrived.has("u1-s2"))).toBe(true);
  }, 60_000);

  it("rejects a call as UNAVAILABLE after connect_timeout when the server accepts but never answers", async () => {
    const url = await database();
    const storage = await openPostgresStorage(url, { connectTimeout: 1 });
    afterThisTest(() => storage.close());
    // The pool connects on first use; a stopped postmaster leaves the connection to the kernel's backlog.
    const pid = Number(
      readFileSync(join(cluster.dataDir, "postmaster.pid"), "utf8").split("\n")[0],
    );
    process.kill(pid, "SIGSTOP");
    let outcome: Awaited<ReturnType<typeof timed>>;
    try {
      outcome = await timed(() => storage.users.findById("nobody"));
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expectUnavailable(outcome.error);
    expect(outcome.ms).toBeGreaterThan(900);
    expect(outcome.ms).toBeLessThan(3_000);
    expect(
      await eventually(5_000, async () => (await timed(() => storage.users.findById("nobody"))).ok),
    ).toBe(true);
  }, 30_000);

  // Last: it removes the cluster.
  it("closes promptly once its database is gone for good, its feed listening", async () => {
    const url = await database();
    const storage = await openPostgresStorage(url, { connectTimeout: 1 });
    await storage.revocations.start(() => {});
    await storage.sessions.findById("warm the pool");
    await cluster.stop();
    expectUnavailable(
      await timed(() => storage.sessions.findById("x")).then((o) => (o.ok ? undefined : o.error)),
    );
    const closing = await timed(() => storage.close());
    expect(closing.ok).toBe(true);
    expect(closing.ms).toBeLessThan(6_000);
  }, 30_000);
});

describe("PostgreSQL out of reach", () => {
  it("opening a storage on a server nobody runs fails at once as UNAVAILABLE", async () => {
    const outcome = await timed(() => openStorage("postgres://postgres@127.0.0.1:1/sesame"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expectUnavailable(outcome.error);
    expect(outcome.ms).toBeLessThan(2_000);
  });

  it("a server out of connections for us is UNAVAILABLE, not a failed statement, until one is free", async () => {
    const base = new URL(await freshPostgresDatabase());
    const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
    afterThisTest(() => admin.end({ timeout: 1 }));
    // A role allowed one connection, owning its database (so it can migrate it).
    const role = `capped_${randomBytes(6).toString("hex")}`;
    await admin.unsafe(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    await admin.unsafe(`CREATE DATABASE ${role} OWNER ${role}`);
    const url = new URL(base);
    url.username = role;
    url.pathname = `/${role}`;
    const storage = await openPostgresStorage(url.toString());
    afterThisTest(() => storage.close());
    // Another client of the role's takes the one connection; the pool has none yet.
    const other = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await other`SELECT 1`;
    const refused = await timed(() => storage.users.findById("nobody"));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expectUnavailable(refused.error);
      // Through drizzle's wrapper of the driver's error.
      expect(codesOf(refused.error)).toContain("53300");
    }
    await other.end({ timeout: 1 });
    expect(
      await eventually(3_000, async () => (await timed(() => storage.users.findById("nobody"))).ok),
    ).toBe(true);
  });
});
