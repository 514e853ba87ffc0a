import type { AuthStorage, Revocation } from "@sesame/auth";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { openPostgresStorage } from "../src/index.ts";
import { freshPostgresDatabase } from "../test-support/index.ts";
import { eventually, postgresql, postgresUrlOf } from "./support/backends.ts";
import { afterThisTest } from "./support/fixtures.ts";

/** What a feed delivered, with when each session first arrived. */
async function listen(storage: AuthStorage) {
  const arrived = new Map<string, number>();
  const batches: Revocation[][] = [];
  await storage.revocations.start((revocations) => {
    batches.push(revocations);
    for (const { sessionId } of revocations) {
      if (!arrived.has(sessionId)) arrived.set(sessionId, performance.now());
    }
  });
  afterThisTest(() => storage.revocations.stop());
  return { arrived, batches, has: (id: string) => arrived.has(id) };
}

/** A connection of the test's own to a database, outside any storage's pool. */
function sideConnection(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  afterThisTest(() => sql.end({ timeout: 1 }));
  return sql;
}

/** A promise and what settles it (Promise.withResolvers, which Node 20 lacks). */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

let users = 0;
/** A user with `count` live sessions, created through the storage's own primitives. */
async function sessionsOf(storage: AuthStorage, count: number): Promise<string[]> {
  const userId = `feed-user-${++users}-${Date.now()}`;
  const now = Date.now();
  await storage.users.create({
    id: userId,
    email: `${userId}@example.com`,
    name: null,
    role: "user",
    passwordHash: "not a hash",
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: null,
  });
  const ids = Array.from({ length: count }, (_, i) => `${userId}-s${i}`);
  for (const id of ids) {
    await storage.sessions.create(
      {
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
      },
      { credentialVersion: 0 },
      { type: "login_succeeded", at: now, userId, sessionId: id, ip: null, userAgent: null },
    );
  }
  return ids;
}
const userOf = (sessionId: string) => sessionId.replace(/-s\d+$/, "");

describe("the PostgreSQL revocation feed", () => {
  it("starts with every revocation on record", async () => {
    const storage = await postgresql.open();
    const [a, b] = await sessionsOf(storage, 2);
    await storage.sessions.revoke(a ?? "", userOf(a ?? ""), "logout", Date.now());
    await storage.sessions.revoke(b ?? "", userOf(b ?? ""), "logout", Date.now());
    const feed = await listen(await postgresql.openSecond(storage));
    // Delivered before start resolves: a process serves only once it knows them.
    expect([...feed.arrived.keys()]).toEqual([a, b]);
  });

  it("never skips a revocation that commits after a later one was read (sequence order is not commit order)", async () => {
    const storage = await postgresql.open();
    const feed = await listen(storage);
    const slow = sideConnection(postgresUrlOf(storage));
    const inserted = gate();
    const commit = gate();
    const slowCommitted = slow.begin(async (tx) => {
      // Takes the lower seq (and the lower transaction id), then stays open.
      await tx`INSERT INTO session_revocations (session_id, revoked_at) VALUES ('early', ${Date.now()})`;
      inserted.open();
      await commit.opened;
    });
    await inserted.opened;
    const fast = sideConnection(postgresUrlOf(storage));
    await fast`INSERT INTO session_revocations (session_id, revoked_at) VALUES ('late', ${Date.now()})`;
    const seqs = await fast`SELECT seq FROM session_revocations`;
    expect(seqs).toHaveLength(1); // 'early' is not committed yet
    // The feed reads 'late' (a seq past 'early's) while 'early' is still open, polls again…
    expect(await eventually(2_000, async () => feed.has("late"))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(feed.has("early")).toBe(false);
    // …and 'early' is delivered once it commits.
    commit.open();
    await slowCommitted;
    expect(await eventually(2_000, async () => feed.has("early"))).toBe(true);
    const [early] = await fast`SELECT seq FROM session_revocations WHERE session_id = 'early'`;
    const [late] = await fast`SELECT seq FROM session_revocations WHERE session_id = 'late'`;
    expect(Number(early?.seq)).toBeLessThan(Number(late?.seq));
  });

  it("delivers each revocation once to a listener, however often it is read again", async () => {
    const storage = await postgresql.open();
    const feed = await listen(storage);
    // A transaction left open from before the revocations holds the floor
    // below them: every poll reads them again.
    const open = sideConnection(postgresUrlOf(storage));
    const holding = gate();
    const release = gate();
    const holder = open.begin(async (tx) => {
      await tx`SELECT pg_current_xact_id()`;
      holding.open();
      await release.opened;
    });
    await holding.opened;
    const ids = await sessionsOf(storage, 5);
    for (const id of ids) await storage.sessions.revoke(id, userOf(id), "logout", Date.now());
    expect(await eventually(2_000, async () => ids.every(feed.has))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    release.open();
    await holder;
    const delivered = feed.batches.flat().map(({ sessionId }) => sessionId);
    expect(delivered.sort()).toEqual([...ids].sort());
  });

  it("a revocation committed without a notification still arrives, by the poll, within a second", async () => {
    const storage = await postgresql.open();
    const feed = await listen(storage);
    const started = performance.now();
    await sideConnection(postgresUrlOf(storage))`
      INSERT INTO session_revocations (session_id, revoked_at) VALUES ('unannounced', ${Date.now()})`;
    expect(await eventually(1_500, async () => feed.has("unannounced"))).toBe(true);
    expect((feed.arrived.get("unannounced") ?? Infinity) - started).toBeLessThan(1_000);
  });

  it("a revocation on one storage reaches another's listener within a second (p50, p99 over 50)", async () => {
    const a = await postgresql.open();
    const b = await postgresql.openSecond(a);
    const feed = await listen(b);
    const ids = await sessionsOf(a, 50);
    const delays: number[] = [];
    for (const id of ids) {
      const started = performance.now();
      await a.sessions.revoke(id, userOf(id), "revoked_by_user", Date.now());
      expect(await eventually(1_000, async () => feed.has(id))).toBe(true);
      delays.push((feed.arrived.get(id) ?? Infinity) - started);
    }
    delays.sort((x, y) => x - y);
    const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
    console.log(
      `revocation feed delay over ${delays.length}: p50 ${at(0.5)?.toFixed(1)} ms, p99 ${at(0.99)?.toFixed(1)} ms, max ${delays.at(-1)?.toFixed(1)} ms`,
    );
    expect(at(0.99)).toBeLessThan(1_000);
  });

  it("catches up after its connections are killed: what was revoked meanwhile arrives", async () => {
    const url = await freshPostgresDatabase();
    // One connection, whose pid is known, so the kill spares it.
    const a = await openPostgresStorage(url, { poolSize: 1 });
    afterThisTest(() => a.close());
    const b = await openPostgresStorage(url);
    afterThisTest(() => b.close());
    const feed = await listen(b);
    const [before, during, after] = await sessionsOf(a, 3);
    await a.sessions.revoke(before ?? "", userOf(before ?? ""), "logout", Date.now());
    expect(await eventually(1_000, async () => feed.has(before ?? ""))).toBe(true);
    // Every connection of b's, its pool and its listening connection, cut by the server…
    const [{ pid } = { pid: 0 }] = await a.sql`SELECT pg_backend_pid() AS pid`;
    const killed = await sideConnection(url)`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ${pid}`;
    expect(killed.length).toBeGreaterThan(1);
    // …and a revocation committed at once, while b cannot be listening: its notification is lost.
    await a.sessions.revoke(during ?? "", userOf(during ?? ""), "logout", Date.now());
    expect(await eventually(2_000, async () => feed.has(during ?? ""))).toBe(true);
    await a.sessions.revoke(after ?? "", userOf(after ?? ""), "logout", Date.now());
    expect(await eventually(1_000, async () => feed.has(after ?? ""))).toBe(true);
    // b's pool came back by itself.
    expect(await b.sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });
});
