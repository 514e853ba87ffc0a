import { join } from "node:path";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { signInMany } from "../fixtures/trpc-call.ts";
import { type ChildServer, startChildServer } from "../load/child-server.ts";
import { combineLoads, type LoadResult, loadTest } from "../load/load-test.ts";
import { CpuMeter } from "../report/cpu-meter.ts";
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
}

const TARGET = 2000;

/**
 * Item 6: `auth.refresh` over HTTP from 50 clients, each rotating its own
 * session's refresh token (body transport) as fast as answers come back: every
 * request is a signature check, a write transaction (group-committed with
 * synchronous=FULL) and two new signed tokens.
 */
export async function measureRefresh(ctx: BenchContext): Promise<RefreshResult> {
  const email = "refresh@example.com";
  const server = await startChildServer("sesame-server", {
    databasePath: join(ctx.workDir, "refresh.db"),
    signingKeys: ctx.keys.json,
    benchUser: { email, password: BENCH_PASSWORD },
  });
  try {
    const meter = new CpuMeter();
    const rotated = await rotateRefreshTokens(ctx, [server], email);
    return { ...rotated, othersCores: meter.othersCores() };
  } finally {
    await server.stop();
  }
}

/**
 * The refresh load itself, against one server or several nodes sharing one
 * database: `settings.connections` clients, client i on `servers[i % n]`
 * (signed in there, and rotating there), each posting its current refresh
 * token and keeping the successor. With several nodes every node gets its own
 * autocannon run, all at once, and the results are added up.
 */
export async function rotateRefreshTokens(
  ctx: BenchContext,
  servers: ChildServer[],
  email: string,
): Promise<Omit<RefreshResult, "othersCores">> {
  const { settings } = ctx;
  const clients = settings.connections;
  const nodes = servers.length;
  // Client i = node (i % nodes), local index floor(i / nodes) on that node.
  const perNode = servers.map((_, node) => Math.ceil((clients - node) / nodes));
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
        warmup: settings.warmup,
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
    `One durable commit (WAL, synchronous=FULL) takes ${formatMs(bounds.commitMs)} ms on this disk, and better-sqlite3 waits for it on the event loop; group commit shares it among every write of one event-loop turn, and a rotation makes two writes (the rotation, then its audit event).`,
    `Signing one token with jose's SignJWT (WebCrypto, a job on libuv's pool) costs ${signCost(bounds.joseSign)} with 50 in flight; Sesame's \`signToken\` (node:crypto's one-shot \`sign\`) costs ${signCost(bounds.sesameSign)}${bounds.sameToken ? ", and yields the identical token" : " (the tokens differ: check the encoding)"}. A rotation signs two tokens and verifies one (through jose).`,
  ];
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
