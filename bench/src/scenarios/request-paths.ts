import { join } from "node:path";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { type SignedIn, signInMany } from "../fixtures/trpc-call.ts";
import { type ChildServer, startChildServer } from "../load/child-server.ts";
import { type LoadResult, type LoadSpec, loadTest } from "../load/load-test.ts";
import { CpuMeter } from "../report/cpu-meter.ts";

/** The request paths compared over HTTP (items 1, 2, 3 and 9 of the issue). */
export type PathId =
  | "raw"
  | "standalone"
  | "honoBare"
  | "sesamePing"
  | "meUnprotected"
  | "meProtected"
  | "betterAuth";

export interface RequestPathResults {
  results: Record<PathId, LoadResult>;
  rounds: number;
  /** Cores busy with other processes on the machine, on average, while measuring. */
  othersCores: number | undefined;
}

/** How long and how wide one load run is. */
export type LoadShape = Pick<LoadSpec, "connections" | "duration" | "warmup">;

/**
 * The protected path: `user.me` through Sesame's auth middleware, connection i
 * carrying the access token of session i (one session per client).
 */
export function protectedMeSpec(
  server: ChildServer,
  sessions: SignedIn[],
  shape: LoadShape,
): LoadSpec {
  const bearer = sessions.map((s) => ({ authorization: `Bearer ${s.accessToken}` }));
  return {
    ...shape,
    url: `${server.url}/trpc/user.me`,
    server,
    setupClient: (client, i) => client.setHeaders(bearer[i % bearer.length] ?? {}),
  };
}

/**
 * Starts the five servers (raw node:http, tRPC standalone, bare Hono, Sesame, better-auth),
 * each in its own process, and measures every path in interleaved rounds, so
 * a slow spell on the machine hits all of them alike (every other round in
 * reverse order, so no path always runs right after the same one). The best round of each
 * path counts: other processes can only ever slow a round down.
 */
export async function measureRequestPaths(ctx: BenchContext): Promise<RequestPathResults> {
  const { settings } = ctx;
  const servers: ChildServer[] = [];
  try {
    ctx.log("starting raw node:http, tRPC standalone, bare Hono, Sesame and better-auth servers");
    // One at a time, each added to `servers` at once, so a failed start still stops the others.
    const start = async (entry: string, config: unknown) => {
      const server = await startChildServer(entry, config);
      servers.push(server);
      return server;
    };
    const raw = await start("raw-http-server", {});
    const standalone = await start("trpc-standalone-server", {});
    const honoBare = await start("trpc-hono-server", {});
    const sesame = await start("sesame-server", {
      databasePath: join(ctx.workDir, "request-paths.db"),
      signingKeys: ctx.keys.json,
      benchUser: { email: "bench@example.com", password: BENCH_PASSWORD },
    });
    const betterAuth = await start("better-auth-server", {
      databasePath: join(ctx.workDir, "better-auth.db"),
      sessions: settings.connections,
    });

    // One session per connection, as 50 separate clients would have.
    const signedIn = await signInMany(
      sesame.url,
      () => ({ email: "bench@example.com", password: BENCH_PASSWORD }),
      settings.connections,
    );
    const bearer = signedIn.map((s) => ({ authorization: `Bearer ${s.accessToken}` }));
    const cookies = JSON.parse(betterAuth.info.cookies ?? "[]") as string[];

    const base: LoadShape = {
      connections: settings.connections,
      duration: settings.paths.duration,
      warmup: settings.paths.warmup,
    };
    const specs: Record<PathId, LoadSpec> = {
      raw: { ...base, url: `${raw.url}/`, server: raw },
      standalone: { ...base, url: `${standalone.url}/trpc/bench.ping`, server: standalone },
      honoBare: { ...base, url: `${honoBare.url}/trpc/bench.ping`, server: honoBare },
      sesamePing: { ...base, url: `${sesame.url}/trpc/bench.ping`, server: sesame },
      // The same Authorization header on both, so both requests carry the same bytes.
      meUnprotected: {
        ...base,
        url: `${sesame.url}/trpc/bench.meUnprotected`,
        server: sesame,
        setupClient: (client, i) => client.setHeaders(bearer[i % bearer.length] ?? {}),
      },
      meProtected: protectedMeSpec(sesame, signedIn, base),
      betterAuth: {
        ...base,
        url: `${betterAuth.url}/api/auth/get-session`,
        server: betterAuth,
        setupClient: (client, i) =>
          client.setHeaders({ cookie: cookies[i % cookies.length] ?? "" }),
      },
    };

    const meter = new CpuMeter();
    const best = {} as Record<PathId, LoadResult>;
    const ids = Object.keys(specs) as PathId[];
    for (let round = 1; round <= settings.paths.rounds; round++) {
      // Every other round runs in reverse, so no path always follows the same neighbour.
      for (const id of round % 2 === 1 ? ids : [...ids].reverse()) {
        ctx.log(`round ${round}/${settings.paths.rounds}: ${id}`);
        const result = await loadTest(specs[id]);
        const previous = best[id];
        if (!previous || result.rps > previous.rps) best[id] = result;
      }
    }
    return { results: best, rounds: settings.paths.rounds, othersCores: meter.othersCores() };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
