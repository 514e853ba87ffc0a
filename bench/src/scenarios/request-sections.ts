import { allServed, describeFailures, failureNotes } from "../load/failure-report.ts";
import type { LoadResult } from "../load/load-test.ts";
import { formatMicros, formatRatio } from "../report/format.ts";
import { loadColumns, loadRow } from "../report/load-row.ts";
import type { Section, TargetResult } from "../report/section.ts";
import type { RequestPathResults } from "./request-paths.ts";

/** The targets for items 1–2, 3 and 9 (and item 9 again on PostgreSQL). */
const HOST_TARGET = 3;
const AUTH_COST_TARGET = 0.95;
export const PEER_TARGET = 10;

function othersNote(measured: RequestPathResults): string[] {
  const cores = measured.othersCores;
  return cores === undefined
    ? []
    : [
        `Other processes kept ${cores.toFixed(2)} cores busy on average while these paths were measured.`,
      ];
}

/**
 * A ratio target, met only when the ratio reaches `at least` and every run it
 * was computed from served every request: a run with refused or unanswered
 * requests measured something else, whatever its ratio.
 */
export function ratioTarget(
  target: string,
  ratio: number,
  atLeast: number,
  runs: LoadResult[],
): TargetResult {
  const failed = runs.map(describeFailures).filter((text) => text !== undefined);
  return {
    target,
    measured:
      formatRatio(ratio) + (failed.length > 0 ? ` (requests failed: ${failed.join("; ")})` : ""),
    met: ratio >= atLeast && allServed(...runs),
  };
}

/** Items 1–2: the ceiling and the host choice. */
export function hostSection(measured: RequestPathResults): Section {
  const { raw, standalone, honoBare, sesamePing } = measured.results;
  const ratio = sesamePing.rps / standalone.rps;
  return {
    number: "1–2",
    title: "The host: raw node:http, tRPC standalone, Sesame's host",
    method:
      "The trivial query `bench.ping` of Sesame's own router, served by tRPC's standalone adapter, by Hono + tRPC's fetch adapter on @hono/node-server with no middleware (the host choice alone), and by Sesame's host (the same, with all of Sesame's middleware: security headers, CORS, body limit, JSON-only, context, error headers), against raw node:http answering the same JSON bytes.",
    table: {
      columns: loadColumns("standalone"),
      rows: [
        loadRow("raw node:http (ceiling)", raw, standalone),
        loadRow("tRPC standalone adapter", standalone, standalone),
        loadRow("Hono + fetch adapter, no middleware", honoBare, standalone),
        loadRow("Sesame's host (Hono + fetch adapter + middleware)", sesamePing, standalone),
      ],
    },
    targets: [
      ratioTarget(
        `Sesame's host ≥ ${HOST_TARGET}× tRPC's standalone adapter on the same router, trivial query`,
        ratio,
        HOST_TARGET,
        [sesamePing, standalone],
      ),
    ],
    notes: [
      ...failureNotes({
        "raw node:http": raw,
        "tRPC standalone": standalone,
        "Hono + fetch adapter, no middleware": honoBare,
        "Sesame's host": sesamePing,
      }),
      ...othersNote(measured),
    ],
    chart: {
      title: "Trivial query",
      unit: "req/s",
      bars: [
        { label: "raw node:http", value: raw.rps },
        { label: "tRPC standalone", value: standalone.rps },
        { label: "Hono + fetch adapter, bare", value: honoBare.rps },
        { label: "Sesame's host", value: sesamePing.rps, highlight: true },
      ],
    },
  };
}

/** Item 3: what checking the access token costs per request. */
export function authCostSection(measured: RequestPathResults): Section {
  const { meUnprotected, meProtected } = measured.results;
  const ratio = meProtected.rps / meUnprotected.rps;
  const notes = [
    ...failureNotes({ "user.me without auth": meUnprotected, "user.me protected": meProtected }),
    ...othersNote(measured),
  ];
  if (meProtected.serverCpuUs !== undefined && meUnprotected.serverCpuUs !== undefined) {
    notes.unshift(
      `Server CPU per request: ${formatMicros(meProtected.serverCpuUs - meUnprotected.serverCpuUs)} µs more with auth (bearer parsing, the verified-token cache, the revocation check, one more middleware).`,
    );
  }
  return {
    number: "3",
    title: "The cost of auth per request: `user.me` unprotected vs protected",
    method:
      "Both on the same Sesame server: `user.me` behind `protectedProcedure`, and the same body reading the same user row through `publicProcedure` (no auth middleware). 50 connections, each with its own session's access token (sent to both, so the requests are the same bytes).",
    table: {
      columns: loadColumns("unprotected"),
      rows: [
        loadRow("user.me without auth", meUnprotected, meUnprotected),
        loadRow("user.me protected", meProtected, meUnprotected),
      ],
    },
    targets: [
      ratioTarget(
        `protected \`user.me\` ≥ ${AUTH_COST_TARGET}× unprotected (auth ≤ ${Math.round((1 - AUTH_COST_TARGET) * 100)}%)`,
        ratio,
        AUTH_COST_TARGET,
        [meProtected, meUnprotected],
      ),
    ],
    notes,
    chart: {
      title: "user.me",
      unit: "req/s",
      bars: [
        { label: "without auth", value: meUnprotected.rps },
        { label: "protected (Sesame)", value: meProtected.rps, highlight: true },
      ],
    },
  };
}

/** better-auth measured twice on one database: with its defaults, and with its cookie cache. */
export interface PeerRuns {
  defaults: LoadResult;
  cookieCache: LoadResult;
}

/** The faster of better-auth's two runs: the ratio is taken against its best. */
export function fasterPeer(peer: PeerRuns): LoadResult {
  return peer.cookieCache.rps > peer.defaults.rps ? peer.cookieCache : peer.defaults;
}

/** The database queries better-auth ran per served get-session, from its own count. */
function queriesPerRequest(result: LoadResult): string {
  const queries = result.serverCounters?.databaseQueries;
  const served = result.total - result.failures;
  return queries === undefined || served === 0 ? "–" : (queries / served).toFixed(2);
}

/**
 * Sesame's protected `user.me` against better-auth's get-session on the same
 * database, both of its variants in the table and the target against the
 * faster: its own fast path is what a team would switch on.
 */
export function peerComparison(
  sesame: LoadResult,
  peer: PeerRuns,
  database: string,
): { rows: string[][]; target: TargetResult; notes: string[] } {
  const faster = fasterPeer(peer);
  const fasterName = faster === peer.cookieCache ? "cookie cache" : "defaults";
  const ratio = sesame.rps / faster.rps;
  return {
    rows: [
      loadRow(`better-auth get-session, defaults, ${database}`, peer.defaults, faster),
      loadRow(`better-auth get-session, cookie cache, ${database}`, peer.cookieCache, faster),
      loadRow(`Sesame user.me (protected), ${database}`, sesame, faster),
    ],
    target: ratioTarget(
      `protected \`user.me\` ≥ ${PEER_TARGET}× better-auth's get-session on ${database}, the faster of its defaults and its cookie cache (here: ${fasterName})`,
      ratio,
      PEER_TARGET,
      [sesame, peer.defaults, peer.cookieCache],
    ),
    notes: [
      ...failureNotes({
        [`better-auth get-session, defaults, ${database}`]: peer.defaults,
        [`better-auth get-session, cookie cache, ${database}`]: peer.cookieCache,
        [`Sesame user.me (protected), ${database}`]: sesame,
      }),
      `Database queries per get-session on ${database} (better-auth's own statements, counted in its process): ${queriesPerRequest(peer.defaults)} with its defaults, ${queriesPerRequest(peer.cookieCache)} with its cookie cache. Before measuring, every cookie was checked to name a session (get-session answers 200 with \`null\` to a cookie it refuses) and, with the cache, to be answered without a query.`,
    ],
  };
}

/** Item 9: against the library a team would pick instead. */
export function peerSection(measured: RequestPathResults): Section {
  const { betterAuth, betterAuthCookieCache, meProtected } = measured.results;
  const peer = { defaults: betterAuth, cookieCache: betterAuthCookieCache };
  const comparison = peerComparison(meProtected, peer, "SQLite");
  return {
    number: "9",
    title: "The peer: better-auth `get-session` vs Sesame's protected `user.me`",
    method:
      "better-auth on Hono + @hono/node-server, on a better-sqlite3 file in WAL mode with synchronous=FULL (Sesame's settings), rate limiting off, twice: with its defaults (every get-session reads the session from the database) and with its cookie cache (`session.cookieCache`, its own fast path: the session also in a second signed cookie, read without the database; maxAge one hour, longer than the run, as the load sends each sign-in's cookies unchanged); 50 connections, each with every cookie of its own sign-in. Sesame's figure is the protected `user.me` above, from the same run; the ratio column and the target are against the faster better-auth.",
    table: {
      columns: loadColumns("faster better-auth"),
      rows: comparison.rows,
    },
    targets: [comparison.target],
    notes: [...comparison.notes, ...othersNote(measured)],
    chart: {
      title: "An authenticated request: better-auth vs Sesame",
      unit: "req/s",
      bars: [
        { label: "better-auth get-session, defaults", value: betterAuth.rps },
        { label: "better-auth get-session, cookie cache", value: betterAuthCookieCache.rps },
        { label: "Sesame user.me (protected)", value: meProtected.rps, highlight: true },
      ],
    },
  };
}
