import { join } from "node:path";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { type SignedIn, signInMany } from "../fixtures/trpc-call.ts";
import { type ChildServer, startChildServer } from "../load/child-server.ts";
import { type LoadResult, type LoadSpec, loadTest } from "../load/load-test.ts";
import { CpuMeter } from "../report/cpu-meter.ts";
import type { BetterAuthServerConfig } from "../servers/better-auth-server.ts";

/** The request paths compared over HTTP (items 1, 2, 3 and 9 of the issue). */
export type PathId =
  | "raw"
  | "standalone"
  | "honoBare"
  | "sesamePing"
  | "meUnprotected"
  | "meProtected"
  | "betterAuth"
  | "betterAuthCookieCache";

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
 * better-auth's `get-session`, connection i sending every cookie session i's
 * sign-in set (`cookies`, from the better-auth server's `info`).
 */
export function betterAuthSessionSpec(server: ChildServer, shape: LoadShape): LoadSpec {
  const cookies = JSON.parse(server.info.cookies ?? "[]") as string[];
  if (cookies.length === 0) throw new Error("the better-auth server reported no session cookies");
  return {
    ...shape,
    url: `${server.url}/api/auth/get-session`,
    server,
    setupClient: (client, i) => client.setHeaders({ cookie: cookies[i % cookies.length] ?? "" }),
  };
}

/**
 * Measures every spec in `rounds` interleaved rounds, every other round in
 * reverse order (so no spec always runs right after the same one), and keeps
 * each spec's best round: a slow spell on the machine hits all of them alike,
 * and other processes can only ever slow a round down.
 */
export async function bestOfRounds<Id extends string>(
  ctx: BenchContext,
  specs: Record<Id, LoadSpec>,
  rounds: number,
): Promise<Record<Id, LoadResult>> {
  const best = {} as Record<Id, LoadResult>;
  const ids = Object.keys(specs) as Id[];
  for (let round = 1; round <= rounds; round++) {
    for (const id of round % 2 === 1 ? ids : [...ids].reverse()) {
      ctx.log(`round ${round}/${rounds}: ${id}`);
      const result = await loadTest(specs[id]);
      const previous = best[id];
      if (!previous || result.rps > previous.rps) best[id] = result;
    }
  }
  return best;
}

/**
 * Starts the six servers (raw node:http, tRPC standalone, bare Hono, Sesame,
 * better-auth with its defaults and with its cookie cache),
 * each in its own process, and measures every path in interleaved rounds
 * (bestOfRounds).
 */
export async function measureRequestPaths(ctx: BenchContext): Promise<RequestPathResults> {
  const { settings } = ctx;
  const servers: ChildServer[] = [];
  try {
    ctx.log(
      "starting raw node:http, tRPC standalone, bare Hono, Sesame and better-auth (defaults, cookie cache) servers",
    );
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
      database: join(ctx.workDir, "better-auth.db"),
      cookieCache: false,
      sessions: settings.connections,
    } satisfies BetterAuthServerConfig);
    const betterAuthCookieCache = await start("better-auth-server", {
      database: join(ctx.workDir, "better-auth-cookie-cache.db"),
      cookieCache: true,
      sessions: settings.connections,
    } satisfies BetterAuthServerConfig);

    // One session per connection, as 50 separate clients would have.
    const signedIn = await signInMany(
      sesame.url,
      () => ({ email: "bench@example.com", password: BENCH_PASSWORD }),
      settings.connections,
    );
    const bearer = signedIn.map((s) => ({ authorization: `Bearer ${s.accessToken}` }));

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
      betterAuth: betterAuthSessionSpec(betterAuth, base),
      betterAuthCookieCache: betterAuthSessionSpec(betterAuthCookieCache, base),
    };

    const meter = new CpuMeter();
    const best = await bestOfRounds(ctx, specs, settings.paths.rounds);
    return { results: best, rounds: settings.paths.rounds, othersCores: meter.othersCores() };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
