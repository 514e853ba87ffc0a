import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../bench-context.ts";
import { signAccessToken } from "../fixtures/access-token.ts";
import { type SeededDatabase, seedDatabase } from "../fixtures/seed-database.ts";
import { startChildServer } from "../load/child-server.ts";
import { type LoadResult, loadTest } from "../load/load-test.ts";
import { formatBytes, formatCount, formatRatio } from "../report/format.ts";
import type { Section } from "../report/section.ts";
import type { MemoryReport } from "../servers/child-protocol.ts";

/** The issuer the memory servers are given, so the bench can sign tokens they accept. */
const ISSUER = "http://sesame.bench.example";

export interface MemoryRun {
  seeded: SeededDatabase;
  afterStart: MemoryReport;
  afterLoad: MemoryReport;
  load: LoadResult;
  tokens: number;
  /** Database file plus its WAL after the run. */
  databaseBytes: number;
}

export interface MemoryFootprint {
  runs: MemoryRun[];
  /** The argon2id hash every seeded user shares. */
  passwordHashNote: string;
}

/** Seeds the two databases: the large one is also item 5's. */
export function seedMemoryDatabases(ctx: BenchContext, passwordHash: string): SeededDatabase[] {
  const { users, fewSessions, manySessions } = ctx.settings.memory;
  return [fewSessions, manySessions].map((sessions) => {
    ctx.log(`seeding ${formatCount(users)} users and ${formatCount(sessions)} sessions`);
    return seedDatabase(join(ctx.workDir, `sessions-${sessions}.db`), {
      users,
      sessions,
      passwordHash,
    });
  });
}

/**
 * Item 8: a Sesame server on each seeded database, its memory after start and
 * after serving `user.me` for the same number of distinct sessions (every
 * token a different session, spread over the table, so the verified-token
 * cache fills to the same size). Memory that grew with the number of
 * sessions stored would show as a difference between the two.
 */
export async function measureMemory(
  ctx: BenchContext,
  databases: SeededDatabase[],
): Promise<MemoryRun[]> {
  const runs: MemoryRun[] = [];
  const tokenCount = Math.min(ctx.settings.memory.tokens, ...databases.map((d) => d.sample.length));
  for (const seeded of databases) {
    ctx.log(`signing ${formatCount(tokenCount)} access tokens for seeded sessions`);
    const tokens = await Promise.all(
      seeded.sample
        .slice(0, tokenCount)
        .map((subject) => signAccessToken(ctx.keys.ring, ISSUER, subject)),
    );
    const server = await startChildServer("sesame-server", {
      databasePath: seeded.path,
      signingKeys: ctx.keys.json,
      env: { PUBLIC_URL: ISSUER },
    });
    try {
      const afterStart = (await server.stats(true)).memory;
      let next = 0;
      ctx.log(
        `user.me over ${formatCount(tokenCount)} sessions of ${formatCount(seeded.sessions)}`,
      );
      const load = await loadTest({
        url: `${server.url}/trpc/user.me`,
        connections: ctx.settings.connections,
        duration: ctx.settings.duration,
        warmup: ctx.settings.warmup,
        server,
        // Every request the next token: all sessions are touched, round after round.
        setupClient: (client) =>
          client.setRequests([
            {
              method: "GET",
              path: "/trpc/user.me",
              setupRequest: (request) => ({
                ...request,
                headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` },
              }),
            },
          ]),
      });
      const afterLoad = (await server.stats(true)).memory;
      runs.push({
        seeded,
        afterStart,
        afterLoad,
        load,
        tokens: tokenCount,
        databaseBytes: fileSize(seeded.path) + fileSize(`${seeded.path}-wal`),
      });
    } finally {
      await server.stop();
    }
  }
  return runs;
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

export function memorySection(runs: MemoryRun[]): Section {
  const [few, many] = runs;
  const ratio = few && many ? many.afterLoad.rss / few.afterLoad.rss : Number.NaN;
  return {
    number: "8",
    title: "Memory and database size against the number of sessions",
    method:
      "Databases seeded with direct batched inserts in one transaction on the real migrations (users, live sessions, one refresh token each); every user shares one argon2id hash of the bench password, since hashing 100,000 passwords would take over an hour. Memory is read in the server process after a full GC.",
    table: {
      columns: [
        "sessions",
        "users",
        "database + WAL",
        "RSS after start",
        "RSS after load",
        "heap after load",
        "user.me req/s",
      ],
      rows: runs.map((run) => [
        formatCount(run.seeded.sessions),
        formatCount(run.seeded.users),
        formatBytes(run.databaseBytes),
        formatBytes(run.afterStart.rss),
        formatBytes(run.afterLoad.rss),
        formatBytes(run.afterLoad.heapUsed),
        formatCount(run.load.rps) + (run.load.failures > 0 ? ` (${run.load.failures} failed)` : ""),
      ]),
    },
    targets: [
      {
        target: "memory flat in the number of sessions",
        measured: `RSS ${formatRatio(ratio)} with ${formatRatio((many?.seeded.sessions ?? 0) / (few?.seeded.sessions ?? 1))} the sessions`,
        met: ratio <= 1.15,
      },
    ],
    chart: {
      title: "Server memory after load",
      unit: "MB RSS",
      bars: runs.map((run) => ({
        label: `${formatCount(run.seeded.sessions)} sessions`,
        value: run.afterLoad.rss / 1e6,
        highlight: run === many,
      })),
    },
    notes: [
      `Load: \`user.me\` with ${formatCount(runs[0]?.tokens ?? 0)} access tokens of seeded sessions spread over the table, round robin, so both servers verify and cache the same number of tokens and read users from all over the table. Many requests carry a token the server has not verified yet, so the req/s column mixes the cached and the uncached path.`,
      "What the server keeps in memory does not depend on the sessions stored: the verified-token cache is bounded (10,000 entries), revoked session ids are kept only until their last access token expires, and SQLite's page cache is bounded (its default 2 MB).",
      ...runs.map(
        (run) =>
          `${formatCount(run.seeded.sessions)} sessions seeded in ${run.seeded.seconds.toFixed(1)} s.`,
      ),
    ],
  };
}
