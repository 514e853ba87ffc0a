import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { findPostgresBinaries, startCluster } from "../../../scripts/postgres-cluster.mjs";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { signInMany, trpcCall } from "../fixtures/trpc-call.ts";
import { type ChildServer, startChildServer } from "../load/child-server.ts";
import { allServed, failureNotes } from "../load/failure-report.ts";
import type { LoadResult, LoadSpec } from "../load/load-test.ts";
import { cpuBudgetNote } from "../report/cpu-budget.ts";
import { formatBytes, formatCount, formatRatio } from "../report/format.ts";
import { loadColumns, loadRow } from "../report/load-row.ts";
import type { Section } from "../report/section.ts";
import type { BetterAuthServerConfig } from "../servers/better-auth-server.ts";
import { rotateRefreshTokens } from "./refresh-rotations.ts";
import {
  bestOfRounds,
  betterAuthSessionSpec,
  type LoadShape,
  protectedMeSpec,
} from "./request-paths.ts";
import { type PeerRuns, peerComparison } from "./request-sections.ts";

const execFileAsync = promisify(execFile);

/** The issue's targets for the PostgreSQL backend. */
const ROTATIONS_TARGET = 1500;
const BYTES_TARGET = 100;
const MAX_NODES = 3;
/**
 * DATABASE_POOL_SIZE of each node in the rotation runs: two connections per
 * core of the database's machine, PostgreSQL's own rule for a pool. With the
 * default of 10, ten backends on these two cores spend their CPU switching
 * (in alternating runs 750–950 rotations/s against 1,040–1,280 with 4). The
 * `user.me` comparison keeps both sides' default of 10.
 */
const ROTATION_POOL_SIZE = 4;
const EMAIL = "postgres-bench@example.com";

/** How the database grew over `rotations` rotations of one session. */
export interface SizeGrowth {
  before: number;
  after: number;
  rotations: number;
}

export interface PostgresResults {
  sqliteRefresh: LoadResult;
  /** Index 0: one node, 1: two nodes, 2: three nodes, all on one database. */
  postgresRefresh: LoadResult[];
  /** Refresh chains refused at some point, over every run (a lost answer or a false reuse detection). */
  brokenChains: number;
  sqliteMe: LoadResult;
  postgresMe: LoadResult;
  /** better-auth's get-session on the same cluster, each variant on a database of its own. */
  postgresPeer: PeerRuns;
  sqliteBytes: SizeGrowth;
  /** The tables (with their indexes and TOAST), after a VACUUM and a CHECKPOINT. */
  postgresBytes: SizeGrowth;
  /** The same tables right after the rotations, before VACUUM: what the dead row versions occupy meanwhile. */
  postgresUnvacuumedAfter: number;
  /** The tables whose size changed over those rotations, with the change in bytes. */
  postgresGrowers: { name: string; bytes: number }[];
  /** pg_database_size, after VACUUM, before and after. */
  postgresDatabaseBytes: SizeGrowth;
  clients: number;
  /** Rounds of the `user.me` comparisons, the best of each counted. */
  rounds: number;
}

/**
 * The PostgreSQL backend against SQLite in one run: refresh rotations over
 * HTTP (the refresh scenario's load) on SQLite, then on PostgreSQL with 1, 2
 * and 3 server nodes on one database; the protected `user.me` path on both;
 * better-auth's get-session on the same cluster, with its defaults and with
 * its cookie cache; and the bytes of database one rotation leaves behind. A throwaway durable
 * PostgreSQL 15 cluster (fsync and full_page_writes on) lives for this section
 * only.
 */
export async function measurePostgres(ctx: BenchContext): Promise<PostgresResults> {
  const { settings } = ctx;
  // user.me, on either backend and against better-auth, as the request-path scenario measures it.
  const meShape: LoadShape = {
    connections: settings.connections,
    duration: settings.paths.duration,
    warmup: settings.paths.warmup,
  };
  const rounds = settings.paths.rounds;
  const servers: ChildServer[] = [];
  ctx.log("starting a durable PostgreSQL cluster");
  const cluster = await startCluster({ durable: true });
  try {
    // SQLite first, as the refresh scenario runs it; stopped before PostgreSQL starts.
    const sqlitePath = join(ctx.workDir, "postgres-compare.db");
    const sqlite = await startChildServer("sesame-server", {
      databasePath: sqlitePath,
      signingKeys: ctx.keys.json,
      benchUser: { email: EMAIL, password: BENCH_PASSWORD },
    });
    servers.push(sqlite);
    ctx.log("SQLite: refresh rotations");
    const sqliteRotated = await rotateRefreshTokens(ctx, [sqlite]);
    ctx.log("SQLite: protected user.me");
    const sqliteMeSpec = protectedMeSpec(sqlite, await signIn(sqlite, meShape), meShape);
    const { sqliteMe } = await bestOfRounds(ctx, { sqliteMe: sqliteMeSpec }, rounds);
    ctx.log(`SQLite: bytes over ${settings.postgres.rotations} rotations of one session`);
    const sqliteSize = () => sqliteBytes(sqlitePath);
    const sqliteBytesGrowth = await growthOver(sqlite, settings.postgres.rotations, sqliteSize);
    await sqlite.stop();
    servers.pop();

    // Every node: the same database, the same key-encryption secret, the same public URL.
    const nodeConfig = {
      databasePath: cluster.url,
      env: {
        KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url"),
        PUBLIC_URL: "http://127.0.0.1:3000",
      },
    };
    const first = await startChildServer("sesame-server", {
      ...nodeConfig,
      benchUser: { email: EMAIL, password: BENCH_PASSWORD },
    });
    servers.push(first);
    const psql = psqlFor(cluster.url);
    ctx.log("PostgreSQL, 1 node: protected user.me against better-auth's get-session");
    const { postgresMe, ...postgresPeer } = await measureAgainstBetterAuth(
      ctx,
      cluster.url,
      protectedMeSpec(first, await signIn(first, meShape), meShape),
      meShape,
    );
    ctx.log(`PostgreSQL: bytes over ${settings.postgres.rotations} rotations of one session`);
    let unvacuumedAfter = 0;
    const databaseSizes: number[] = [];
    const tableSizes: Map<string, number>[] = [];
    const postgresBytes = await growthOver(first, settings.postgres.rotations, async () => {
      unvacuumedAfter = await psql.tablesBytes();
      await psql.vacuum();
      databaseSizes.push(await psql.databaseBytes());
      tableSizes.push(await psql.tableSizes());
      return psql.tablesBytes();
    });
    const [sizesBefore, sizesAfter] = tableSizes;
    const postgresGrowers = [...(sizesAfter ?? new Map<string, number>())]
      .map(([name, bytes]) => ({ name, bytes: bytes - (sizesBefore?.get(name) ?? 0) }))
      .filter((table) => table.bytes !== 0);
    // The rotation runs: nodes whose pools are sized to the database's cores.
    await first.stop();
    servers.pop();
    const rotationNode = {
      ...nodeConfig,
      env: { ...nodeConfig.env, DATABASE_POOL_SIZE: String(ROTATION_POOL_SIZE) },
    };
    const postgresRefresh: LoadResult[] = [];
    let brokenChains = sqliteRotated.brokenChains;
    for (let nodes = 1; nodes <= MAX_NODES; nodes++) {
      servers.push(await startChildServer("sesame-server", rotationNode));
      ctx.log(`PostgreSQL, ${nodes} node${nodes === 1 ? "" : "s"}: refresh rotations`);
      const rotated = await rotateRefreshTokens(ctx, servers);
      postgresRefresh.push(rotated.load);
      brokenChains += rotated.brokenChains;
    }
    return {
      sqliteRefresh: sqliteRotated.load,
      postgresRefresh,
      brokenChains,
      sqliteMe,
      postgresMe,
      postgresPeer,
      sqliteBytes: sqliteBytesGrowth,
      postgresBytes,
      postgresUnvacuumedAfter: unvacuumedAfter,
      postgresGrowers,
      postgresDatabaseBytes: {
        before: databaseSizes[0] ?? 0,
        after: databaseSizes[1] ?? 0,
        rotations: settings.postgres.rotations,
      },
      clients: settings.connections,
      rounds,
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster.stop();
  }
}

/**
 * Sesame's `user.me` (`sesameMe`, on the first node) against better-auth's
 * get-session on the same cluster, with its defaults and with its cookie
 * cache, each on a new database of its own there (its tables and its user
 * apart from Sesame's and from the other variant's): the three in
 * interleaved rounds, the best of each, as in the request-path scenario.
 * The better-auth servers run only for this.
 */
async function measureAgainstBetterAuth(
  ctx: BenchContext,
  clusterUrl: string,
  sesameMe: LoadSpec,
  shape: LoadShape,
): Promise<PeerRuns & { postgresMe: LoadResult }> {
  const psql = psqlFor(clusterUrl);
  const peers: ChildServer[] = [];
  const start = async (name: string, cookieCache: boolean) => {
    await psql.createDatabase(name);
    const url = new URL(clusterUrl);
    url.pathname = `/${name}`;
    const server = await startChildServer("better-auth-server", {
      database: url.toString(),
      cookieCache,
      sessions: shape.connections,
    } satisfies BetterAuthServerConfig);
    peers.push(server);
    return server;
  };
  try {
    const defaults = await start("better_auth", false);
    const cookieCache = await start("better_auth_cookie_cache", true);
    const specs = {
      postgresMe: sesameMe,
      defaults: betterAuthSessionSpec(defaults, shape),
      cookieCache: betterAuthSessionSpec(cookieCache, shape),
    };
    return await bestOfRounds(ctx, specs, ctx.settings.paths.rounds);
  } finally {
    await Promise.all(peers.map((server) => server.stop()));
  }
}

/** One session per load connection, as 50 separate clients would have. */
function signIn(server: ChildServer, shape: { connections: number }) {
  return signInMany(
    server.url,
    () => ({ email: EMAIL, password: BENCH_PASSWORD }),
    shape.connections,
  );
}

/**
 * Signs in one new session, measures, rotates its refresh token `rotations`
 * times one after the other, and measures again: the growth is what those
 * rotations (and their folded audit rows) left in the database.
 */
async function growthOver(
  server: ChildServer,
  rotations: number,
  measure: () => Promise<number>,
): Promise<SizeGrowth> {
  const [session] = await signInMany(
    server.url,
    () => ({ email: EMAIL, password: BENCH_PASSWORD }),
    1,
  );
  if (!session) throw new Error("sign-in answered no session");
  let token = session.refreshToken;
  const before = await measure();
  for (let i = 0; i < rotations; i++) {
    const next = await trpcCall<{ refreshToken: string }>(server.url, "auth.refresh", "mutation", {
      refreshToken: token,
    });
    token = next.refreshToken;
  }
  const after = await measure();
  return { before, after, rotations };
}

/** The SQLite database file plus its WAL, after a TRUNCATE checkpoint has moved every page into the file. */
async function sqliteBytes(path: string): Promise<number> {
  const db = new Database(path);
  try {
    // The server's housekeeping may hold a transaction for a moment: try again.
    for (let attempt = 1; ; attempt++) {
      const [result] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
      if (!result?.busy) break;
      if (attempt >= 20) throw new Error("the WAL checkpoint stayed blocked by the server");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    db.close();
  }
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return size(path) + size(`${path}-wal`);
}

/** psql of the cluster's own installation, one statement per -c (VACUUM runs outside a transaction). */
function psqlFor(url: string) {
  const binDir = findPostgresBinaries();
  if (!binDir) throw new Error("PostgreSQL's binaries are not found");
  const run = async (...statements: string[]) => {
    const args = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url];
    for (const statement of statements) args.push("-c", statement);
    const { stdout } = await execFileAsync(join(binDir, "psql"), args);
    return stdout.trim();
  };
  return {
    vacuum: () => run("VACUUM", "CHECKPOINT"),
    createDatabase: (name: string) => run(`CREATE DATABASE ${name}`),
    /** Every table outside the system schemas, with its indexes and TOAST. */
    tablesBytes: async () =>
      Number(
        await run(
          `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'm')
             AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg_toast%'`,
        ),
      ),
    databaseBytes: async () => Number(await run("SELECT pg_database_size(current_database())")),
    /** The same tables one by one, "schema.table" → bytes. */
    tableSizes: async () =>
      new Map(
        (
          await run(
            `SELECT n.nspname || '.' || c.relname, pg_total_relation_size(c.oid) FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'm')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'`,
          )
        )
          .split("\n")
          .filter(Boolean)
          .map((line) => {
            const [name = "", bytes = "0"] = line.split("|");
            return [name, Number(bytes)] as const;
          }),
      ),
  };
}

const perRotation = (growth: SizeGrowth) => (growth.after - growth.before) / growth.rotations;

export function postgresSection(result: PostgresResults): Section {
  const [one, two, three] = result.postgresRefresh;
  if (!one || !two || !three) throw new Error("PostgreSQL was measured on fewer than 3 nodes");
  const { sqliteRefresh, sqliteMe, postgresMe, postgresPeer } = result;
  const peer = peerComparison(postgresMe, postgresPeer, "PostgreSQL");
  const pgVsSqlite = one.rps / sqliteRefresh.rps;
  const twoVsOne = two.rps / one.rps;
  const threeVsOne = three.rps / one.rps;
  const sqlitePerRotation = perRotation(result.sqliteBytes);
  const pgPerRotation = perRotation(result.postgresBytes);
  const noFailures = allServed(...result.postgresRefresh, sqliteRefresh);
  const rotationsPerNode = [one, two, three].map((l) => formatCount(l.rps)).join(" → ");
  return {
    number: "10",
    title:
      "The PostgreSQL backend: refresh rotations, user.me against better-auth, and bytes per rotation",
    method: `The refresh scenario's load (${result.clients} clients, each rotating its own session's refresh token) and the protected \`user.me\` path of the request-path scenario, against Sesame on SQLite (synchronous=FULL) and on a throwaway durable PostgreSQL 15 cluster (fsync and full_page_writes on), in the same run; on PostgreSQL also with 2 and 3 server nodes (separate processes on one database, one key ring sealed under one KEY_ENCRYPTION_SECRET, one PUBLIC_URL), client i signed in at and rotating on node i mod n, one autocannon run per node at once, the results added up (p50/p99: the worst node's). The rotation runs use new nodes with DATABASE_POOL_SIZE=${ROTATION_POOL_SIZE} each (two connections per core of the database's machine, PostgreSQL's rule for sizing a pool; the default of 10 suits a database with five cores), and each run signs its clients in to an account of its own. \`user.me\` as the request-path scenario measures it (${result.clients} connections, each with its own session, the best of ${result.rounds} short rounds); on PostgreSQL in rounds interleaved with better-auth's get-session on the same cluster, with its defaults and with its cookie cache (one hour), each on a database of its own there, through a pg Pool (its defaults: 10 connections, as Sesame's pool), each connection with every cookie of its own sign-in; the ratio column of those rows is against the faster better-auth.`,
    table: {
      columns: loadColumns("SQLite"),
      rows: [
        loadRow("auth.refresh, SQLite", sqliteRefresh, sqliteRefresh),
        loadRow("auth.refresh, PostgreSQL, 1 node", one, sqliteRefresh),
        loadRow("auth.refresh, PostgreSQL, 2 nodes", two, sqliteRefresh),
        loadRow("auth.refresh, PostgreSQL, 3 nodes", three, sqliteRefresh),
        loadRow("user.me (protected), SQLite", sqliteMe, sqliteMe),
        loadRow("user.me (protected), PostgreSQL", postgresMe, sqliteMe),
        ...peer.rows,
      ],
    },
    targets: [
      {
        target: `≥ ${formatCount(ROTATIONS_TARGET)} refresh rotations/s over HTTP at ${result.clients} clients on PostgreSQL (1 node)`,
        measured: `${formatCount(one.rps)}/s (${formatRatio(one.rps / ROTATIONS_TARGET)} target; ${formatRatio(pgVsSqlite)} SQLite's ${formatCount(sqliteRefresh.rps)}/s)`,
        met: one.rps >= ROTATIONS_TARGET && one.failures === 0,
      },
      {
        target: "Refresh rotations/s on PostgreSQL rising with server nodes (1 < 2 < 3)",
        measured: `${rotationsPerNode}/s (2 nodes ${formatRatio(twoVsOne)}, 3 nodes ${formatRatio(threeVsOne)} 1 node)`,
        met: two.rps > one.rps && three.rps > two.rps && noFailures,
      },
      {
        target: `≤ ${BYTES_TARGET} bytes of database per rotation on SQLite`,
        measured: `${sqlitePerRotation.toFixed(1)} B over ${formatCount(result.sqliteBytes.rotations)} rotations`,
        met: sqlitePerRotation <= BYTES_TARGET,
      },
      {
        target: `≤ ${BYTES_TARGET} bytes of database per rotation on PostgreSQL`,
        measured: `${pgPerRotation.toFixed(1)} B over ${formatCount(result.postgresBytes.rotations)} rotations`,
        met: pgPerRotation <= BYTES_TARGET,
      },
      peer.target,
    ],
    notes: [
      ...failureNotes({
        "auth.refresh, SQLite": sqliteRefresh,
        "auth.refresh, PostgreSQL, 1 node": one,
        "auth.refresh, PostgreSQL, 2 nodes": two,
        "auth.refresh, PostgreSQL, 3 nodes": three,
        "user.me (protected), SQLite": sqliteMe,
      }),
      ...peer.notes,
      `${result.brokenChains === 0 ? "Every refresh chain stayed intact to the end of every run" : `${result.brokenChains} refresh chains were refused at some point`}; ${noFailures ? "no refresh request failed" : "some refresh requests failed (see above)"}.`,
      `Bytes per rotation: one new session, its refresh token rotated ${formatCount(result.sqliteBytes.rotations)} times one after the other over HTTP, the database measured just before and after. SQLite: the database file plus its WAL after \`PRAGMA wal_checkpoint(TRUNCATE)\` (so every page is in the file and the WAL is empty), ${formatBytes(result.sqliteBytes.before)} → ${formatBytes(result.sqliteBytes.after)}. PostgreSQL: the sum of \`pg_total_relation_size\` (heap, indexes, TOAST) of every table outside the system schemas, after \`VACUUM\` and \`CHECKPOINT\` (so the dead row versions an UPDATE leaves behind count only as far as they keep the files larger), ${formatBytes(result.postgresBytes.before)} → ${formatBytes(result.postgresBytes.after)}; right after the rotations, before that VACUUM, the tables held ${formatBytes(result.postgresUnvacuumedAfter)}, and \`pg_database_size\` went ${formatBytes(result.postgresDatabaseBytes.before)} → ${formatBytes(result.postgresDatabaseBytes.after)} (${perRotation(result.postgresDatabaseBytes).toFixed(1)} B per rotation); the tables that changed: ${result.postgresGrowers.map((t) => `${t.name} ${t.bytes > 0 ? "+" : ""}${formatCount(t.bytes)} B`).join(", ") || "none"}. Both grow by whole pages (4 KB on SQLite, 8 KB on PostgreSQL), so a growth of 0 means the rotations fit in pages already there.`,
      ...[
        cpuBudgetNote("auth.refresh, SQLite", sqliteRefresh.cpu, "other processes"),
        ...[one, two, three].map((load, i) =>
          cpuBudgetNote(
            `auth.refresh, PostgreSQL, ${i + 1} node${i === 0 ? "" : "s"}`,
            load.cpu,
            "PostgreSQL's processes and any other",
          ),
        ),
      ].filter((note) => note !== ""),
      `The SQLite server was stopped before the PostgreSQL nodes started; Sesame's first node and the two better-auth servers ran side by side, one measured at a time; PostgreSQL's own processes share the machine's cores with the server nodes and the load generator, so on a small machine more nodes mostly compete for the same cores.`,
    ],
    chart: {
      title: "Refresh rotations by backend, 50 clients",
      unit: "rotations/s",
      bars: [
        { label: "target (PostgreSQL)", value: ROTATIONS_TARGET },
        { label: "SQLite", value: sqliteRefresh.rps },
        { label: "PostgreSQL, 1 node", value: one.rps, highlight: true },
        { label: "PostgreSQL, 2 nodes", value: two.rps, highlight: true },
        { label: "PostgreSQL, 3 nodes", value: three.rps, highlight: true },
      ],
    },
  };
}
