import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { signInMany, trpcCall } from "../fixtures/trpc-call.ts";
import { type ChildServer, startChildServer } from "../load/child-server.ts";
import { combineLoads, type LoadResult, loadTest } from "../load/load-test.ts";
import { cpuBudgetNote } from "../report/cpu-budget.ts";
import { CpuMeter } from "../report/cpu-meter.ts";
import {
  type ProfileSummary,
  readCpuProfile,
  summarizeCpuProfile,
} from "../report/cpu-profile-summary.ts";
import { formatCount, formatMicros, formatMs, formatRatio } from "../report/format.ts";
import { loadColumns, loadRow } from "../report/load-row.ts";
import type { Section } from "../report/section.ts";
import type { RefreshBounds, SignCost } from "./refresh-bounds.ts";

export interface RefreshResult {
  load: LoadResult;
  clients: number;
  /** Chains that ended refused (a lost answer or reuse detection would show here). */
  brokenChains: number;
  othersCores: number | undefined;
  /** Where the server's event loop spent a separate, profiled run of the same load. */
  profile: ProfileSummary;
}

const TARGET = 2000;
/** Server CPU (every thread of its process) per rotation, in µs. */
const CPU_TARGET = 500;

/**
 * Item 6: `auth.refresh` over HTTP from 50 clients, each rotating its own
 * session's refresh token (body transport) as fast as answers come back: every
 * request is a signature check, a write transaction (group-committed with
 * synchronous=FULL) and two new signed tokens.
 */
export async function measureRefresh(ctx: BenchContext): Promise<RefreshResult> {
  const server = await startChildServer("sesame-server", {
    databasePath: join(ctx.workDir, "refresh.db"),
    signingKeys: ctx.keys.json,
  });
  try {
    const meter = new CpuMeter();
    const rotated = await rotateRefreshTokens(ctx, [server]);
    const othersCores = meter.othersCores();
    return { ...rotated, othersCores, profile: await profileRefresh(ctx, server) };
  } finally {
    await server.stop();
  }
}

/**
 * The same load once more under V8's sampling profiler on the server's event
 * loop (apart from the measured run, since sampling costs CPU; started after
 * the server's start-up, so that stays out of it; the run's sign-up and
 * sign-ins are in it, their argon2 on libuv's pool outside the profiled
 * thread), summarized as a flame graph is read: the functions with the most
 * self time.
 */
async function profileRefresh(ctx: BenchContext, server: ChildServer) {
  ctx.log("profiling the refresh path");
  const file = join(ctx.workDir, "refresh.cpuprofile");
  await server.profile(file, async () => {
    await rotateRefreshTokens(ctx, [server], 0);
  });
  return summarizeCpuProfile(readCpuProfile(file));
}

/**
 * The refresh load itself, against one server or several nodes sharing one
 * database: `settings.connections` clients, client i on `servers[i % n]`
 * (signed in there, and rotating there), each posting its current refresh
 * token and keeping the successor. With several nodes every node gets its own
 * autocannon run, all at once, and the results are added up.
 *
 * Every run signs its clients in to an account of its own, registered for
 * it on the first server: one account's sessions, one per client. Runs sharing one
 * account would pile up its sessions' hourly audit rows past the account's
 * cap (AUDIT_ROWS_PER_HOUR), past which a new session's refreshes are
 * audited through the account's lock, one at a time (fold-rules.ts): what
 * a later run measured would then be that, not a rotation.
 */
export async function rotateRefreshTokens(
  ctx: BenchContext,
  servers: ChildServer[],
  /** Seconds of discarded load first (a server already warm needs none). */
  warmup = ctx.settings.warmup,
): Promise<Omit<RefreshResult, "othersCores" | "profile">> {
  const { settings } = ctx;
  const clients = settings.connections;
  const nodes = servers.length;
  // Client i = node (i % nodes), local index floor(i / nodes) on that node.
  const perNode = servers.map((_, node) => Math.ceil((clients - node) / nodes));
  const [first] = servers;
  if (!first) throw new Error("rotateRefreshTokens needs a server");
  const email = `rotations-${randomUUID()}@example.com`;
  await trpcCall(first.url, "auth.register", "mutation", {
    email,
    password: BENCH_PASSWORD,
    transport: "body",
  });
  ctx.log(`signing in ${clients} refresh clients on ${nodes} node${nodes === 1 ? "" : "s"}`);
  const tokens: string[] = new Array(clients);
  for (const [node, server] of servers.entries()) {
    const sessions = await signInMany(
      server.url,
      () => ({ email, password: BENCH_PASSWORD }),
      perNode[node] ?? 0,
    );
    for (const [local, session] of sessions.entries()) {
      tokens[node + local * nodes] = session.refreshToken;
    }
  }
  const refused = new Set<number>();
  ctx.log("rotating refresh tokens");
  const loads = await Promise.all(
    servers.map((server, node) =>
      loadTest({
        url: `${server.url}/trpc/auth.refresh`,
        method: "POST",
        connections: perNode[node] ?? 0,
        duration: settings.duration,
        warmup,
        server,
        // Each connection is one client: it sends its current token and keeps the successor.
        setupClient: (client, local) => {
          const i = node + local * nodes;
          client.setRequests([
            {
              method: "POST",
              path: "/trpc/auth.refresh",
              headers: { "content-type": "application/json" },
              setupRequest: (request) => ({
                ...request,
                body: JSON.stringify({ refreshToken: tokens[i] }),
              }),
              onResponse: (status, body) => {
                if (status !== 200) {
                  refused.add(i);
                  return;
                }
                const data = JSON.parse(body) as { result: { data: { refreshToken: string } } };
                tokens[i] = data.result.data.refreshToken;
              },
            },
          ]);
        },
      }),
    ),
  );
  return { load: combineLoads(loads), clients, brokenChains: refused.size };
}

/** What the server's write batcher and event loop counted during the measured run. */
function batchNote(load: RefreshResult["load"]): string {
  const counters = load.serverCounters ?? {};
  const { batches = 0, jobs = 0, commitMs = 0, mainThreadCpuUs } = counters;
  if (batches === 0) return "";
  const perRotation = (value: number) => value / Math.max(1, load.total);
  const loop =
    mainThreadCpuUs === undefined
      ? ""
      : ` The event loop's own thread spent ${formatMicros(perRotation(mainThreadCpuUs))} µs of CPU per rotation.`;
  return `In the measured run ${formatCount(jobs)} writes shared ${formatCount(batches)} commits (${(jobs / batches).toFixed(1)} a commit), and the event loop waited ${formatMicros(perRotation(commitMs * 1000))} µs per rotation in COMMIT.${loop}`;
}

function signCost(cost: SignCost): string {
  const main =
    cost.mainThreadUs === undefined
      ? ""
      : `, ${formatMicros(cost.mainThreadUs)} µs of it on the event loop`;
  return `${formatMicros(cost.cpuUs)} µs of CPU${main}`;
}

export function refreshSection(result: RefreshResult, bounds: RefreshBounds): Section {
  const { load } = result;
  const notes = [
    `${result.clients} clients, ${result.brokenChains === 0 ? "every chain intact to the end" : `${result.brokenChains} chains refused at some point`}.`,
    `One durable commit (WAL, synchronous=FULL) takes ${formatMs(bounds.commitMs)} ms on this disk, and better-sqlite3 waits for it on the event loop; group commit shares it among every write of one event-loop turn. ${batchNote(load)}`,
    `Signing one token with jose's SignJWT (WebCrypto, a job on libuv's pool) costs ${signCost(bounds.joseSign)} with 50 in flight; Sesame's \`signToken\` (node:crypto's \`sign\` with a callback, also on the pool) costs ${signCost(bounds.sesameSign)}${bounds.sameToken ? ", and yields the identical token" : " (the tokens differ: check the encoding)"}. A rotation signs two tokens; the presented token is not verified again when its hash is the session's current one (the hash proves the server signed it).`,
  ];
  const budget = cpuBudgetNote("In the measured run", load.cpu, "other processes");
  if (budget) notes.push(budget);
  if (result.othersCores !== undefined) {
    notes.push(
      `Other processes kept ${result.othersCores.toFixed(2)} cores busy on average during this run.`,
    );
  }
  return {
    number: "6",
    title: "Refresh-token rotations over HTTP (50 clients, synchronous=FULL)",
    method:
      "Each autocannon connection is one client with its own session, posting its current refresh token in the body (`auth.refresh`) and keeping the successor from the answer.",
    table: {
      columns: loadColumns("target"),
      rows: [loadRow("auth.refresh rotations", load, { ...load, rps: TARGET })],
    },
    targets: [
      {
        target: `≥ ${formatCount(TARGET)} refresh rotations/s over HTTP at 50 clients`,
        measured: `${formatCount(load.rps)}/s (${formatRatio(load.rps / TARGET)} target)`,
        met: load.rps >= TARGET && load.failures === 0,
      },
      {
        target: `≤ ${formatCount(CPU_TARGET)} µs of server CPU per rotation`,
        measured:
          load.serverCpuUs === undefined
            ? "not measured"
            : `${formatMicros(load.serverCpuUs)} µs (${formatRatio(load.serverCpuUs / CPU_TARGET)} target)`,
        met: load.serverCpuUs !== undefined && load.serverCpuUs <= CPU_TARGET,
      },
    ],
    notes,
    chart: {
      title: "Refresh rotations, 50 clients",
      unit: "rotations/s",
      bars: [
        { label: "target", value: TARGET },
        { label: "Sesame auth.refresh", value: load.rps, highlight: true },
      ],
    },
  };
}

/** The flame-graph summary of the refresh path: which functions the event loop spent its time in. */
export function refreshProfileSection(result: RefreshResult): Section {
  const { profile } = result;
  return {
    number: "6",
    title: "Where a rotation's time goes: the refresh path's profile",
    method: `The refresh load of item 6 run once more against a fresh server under V8's sampling profiler (\`node --cpu-prof\`, the event loop's thread only), summarized as a flame graph is read: the functions with the widest plateaus (self time), and how much of the time each has anywhere on its stack (total). Shares are of ${formatCount(profile.busyUs / 1000)} ms of sampled non-idle time.`,
    table: {
      columns: ["function (where)", "self %", "total %"],
      rows: profile.top.map((frame) => [
        frame.frame,
        percent(frame.selfShare),
        percent(frame.totalShare),
      ]),
    },
    targets: [],
    notes: [],
  };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
