import { availableParallelism } from "node:os";
import { join } from "node:path";
import { PasswordHasher } from "@sesame/auth";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { seedDatabase, seededEmail } from "../fixtures/seed-database.ts";
import { startChildServer } from "../load/child-server.ts";
import { type ProbeResult, probeLatency } from "../load/latency-probe.ts";
import { type LoadResult, loadTest } from "../load/load-test.ts";
import { median } from "../micro/time-per-op.ts";
import { CpuMeter } from "../report/cpu-meter.ts";
import { formatCount, formatMs, formatPercent } from "../report/format.ts";
import type { Section } from "../report/section.ts";

export interface LoginRun {
  threadPool: number;
  /** Length of the measured storm. */
  seconds: number;
  logins: LoadResult;
  healthIdle: ProbeResult;
  healthDuringStorm: ProbeResult;
  othersCores: number | undefined;
}

export interface LoginStorm {
  cores: number;
  connections: number;
  /** One argon2id verification (m=19456, t=2, p=1), alone, in milliseconds. */
  hashMs: number;
  /** cores ÷ hash time: logins/s if every core did nothing but argon2. */
  bound: number;
  /**
   * argon2id verifications per second with one per core running at once and
   * nothing else (the median of timings before each storm and after the
   * last): what the hardware gives, and the target's bound.
   */
  parallelHashesPerSecond: number;
  runs: LoginRun[];
}

/** The target: logins reach this share of what argon2 alone does on every core at once. */
const TARGET_SHARE = 0.95;

/** The probe: one /healthz every 10 ms, a light load beside the storm. */
const PROBE_INTERVAL_MS = 10;

/**
 * Item 7: logins/s (each an argon2id verification on libuv's thread pool)
 * against the bound argon2 sets, with /healthz latency measured at the same
 * time by a second, light generator: does the event loop stay free? Run once
 * with Node's default pool of 4 threads and once with one thread per core.
 */
export async function measureLoginStorm(ctx: BenchContext): Promise<LoginStorm> {
  const { settings } = ctx;
  const cores = availableParallelism();
  const hasher = new PasswordHasher();
  ctx.log("timing argon2id");
  const passwordHash = await hasher.hash(BENCH_PASSWORD);
  // Timed before each storm and after the last, so one slow or fast spell does not set the bound.
  const times: number[] = [];
  const timeHashes = async (count: number) => {
    await hasher.verify(passwordHash, BENCH_PASSWORD);
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      if (!(await hasher.verify(passwordHash, BENCH_PASSWORD))) throw new Error("argon2 refused");
      times.push(performance.now() - started);
    }
  };
  const samples = settings.quick ? 3 : 8;
  // Verifications per second with one per core running at once and nothing else, timed beside the single ones.
  const pairRates: number[] = [];
  const timeParallelHashes = async () => {
    const started = performance.now();
    let verified = 0;
    while (performance.now() - started < (settings.quick ? 500 : 2000)) {
      await Promise.all(
        Array.from({ length: cores }, () => hasher.verify(passwordHash, BENCH_PASSWORD)),
      );
      verified += cores;
    }
    pairRates.push((verified * 1000) / (performance.now() - started));
  };
  const runs: LoginRun[] = [];
  for (const threadPool of [4, cores]) {
    await timeHashes(samples);
    await timeParallelHashes();
    const databasePath = join(ctx.workDir, `login-${threadPool}.db`);
    seedDatabase(databasePath, { users: settings.loginConnections, sessions: 0, passwordHash });
    const server = await startChildServer(
      "sesame-server",
      { databasePath, signingKeys: ctx.keys.json },
      { UV_THREADPOOL_SIZE: String(threadPool) },
    );
    try {
      ctx.log(`login storm with UV_THREADPOOL_SIZE=${threadPool}`);
      const health = `${server.url}/healthz`;
      const healthIdle = await probeLatency(health, {
        intervalMs: PROBE_INTERVAL_MS,
        durationMs: settings.warmup * 1000,
      });
      const spec = {
        url: `${server.url}/trpc/auth.login`,
        method: "POST" as const,
        headers: { "content-type": "application/json" },
        connections: settings.loginConnections,
        duration: settings.duration,
        warmup: 0,
        server,
        // One account per connection: the per-account throttle sees one login at a time.
        setupClient: (client: { setBody(body: string): void }, i: number) =>
          client.setBody(
            JSON.stringify({ email: seededEmail(i), password: BENCH_PASSWORD, transport: "body" }),
          ),
      };
      await loadTest({ ...spec, duration: settings.warmup });
      const meter = new CpuMeter();
      const [logins, healthDuringStorm] = await Promise.all([
        loadTest(spec),
        probeLatency(health, {
          intervalMs: PROBE_INTERVAL_MS,
          durationMs: settings.duration * 1000,
        }),
      ]);
      runs.push({
        threadPool,
        seconds: settings.duration,
        logins,
        healthIdle,
        healthDuringStorm,
        othersCores: meter.othersCores(),
      });
    } finally {
      await server.stop();
    }
  }
  await timeHashes(samples);
  await timeParallelHashes();
  const hashMs = median(times);
  return {
    cores,
    connections: settings.loginConnections,
    hashMs,
    parallelHashesPerSecond: median(pairRates),
    bound: cores / (hashMs / 1000),
    runs,
  };
}

/** Event-loop (main thread) CPU per login, from the server's own counter, at /proc's 10 ms resolution. */
function eventLoopMsPerLogin(run: LoginRun): string {
  const micros = run.logins.serverCounters?.mainThreadCpuUs;
  const logins = run.logins.rps * run.seconds;
  return micros === undefined || logins === 0 ? "–" : formatMs(micros / 1000 / logins);
}

export function loginSection(storm: LoginStorm): Section {
  const label = (run: LoginRun) =>
    `UV_THREADPOOL_SIZE=${run.threadPool}${run.threadPool === 4 ? " (Node's default)" : ""}${run.threadPool === storm.cores ? " (= cores)" : ""}`;
  const ofBound = (run: LoginRun) => run.logins.rps / storm.parallelHashesPerSecond;
  const meets = (run: LoginRun) =>
    ofBound(run) >= TARGET_SHARE && run.healthDuringStorm.p99 < 50 && run.logins.failures === 0;
  const best = storm.runs.find(meets) ?? storm.runs.at(-1);
  const notes = [
    `argon2id (m=19456 KiB, t=2, p=1) takes ${formatMs(storm.hashMs)} ms per verification alone (median of timings before each storm and after the last), so ${storm.cores} cores could at most do ${storm.cores} ÷ ${formatMs(storm.hashMs)} ms = ${formatCount(storm.bound)}/s. ${storm.cores} verifications at a time with nothing else running reach ${formatCount(storm.parallelHashesPerSecond)}/s here (the median of timings before each storm and after the last): the bound the target is stated against.`,
    "The load generator and the probe run in the bench process and take CPU from the same cores as the server.",
  ];
  for (const run of storm.runs) {
    if (run.othersCores !== undefined) {
      notes.push(
        `${label(run)}: other processes kept ${run.othersCores.toFixed(2)} cores busy on average.`,
      );
    }
  }
  return {
    number: "7",
    title: "Logins against the argon2id bound, with /healthz latency during the storm",
    method: `${storm.connections} connections post \`auth.login\` (each its own account, body transport) as fast as answers come; a second generator requests /healthz every ${PROBE_INTERVAL_MS} ms meanwhile.`,
    table: {
      columns: [
        "thread pool",
        "logins/s",
        "% of argon2 at once",
        "login p50 ms",
        "login p99 ms",
        "server CPU ms/login",
        "of it event loop",
        "/healthz idle p99 ms",
        "/healthz p50 ms",
        "/healthz p99 ms",
        "/healthz max ms",
        "event-loop delay p99 ms",
      ],
      rows: storm.runs.map((run) => [
        label(run) + (run.logins.failures > 0 ? ` (${run.logins.failures} failed)` : ""),
        formatCount(run.logins.rps),
        formatPercent(ofBound(run)),
        formatMs(run.logins.p50),
        formatMs(run.logins.p99),
        run.logins.serverCpuUs === undefined ? "–" : formatMs(run.logins.serverCpuUs / 1000),
        eventLoopMsPerLogin(run),
        formatMs(run.healthIdle.p99),
        formatMs(run.healthDuringStorm.p50),
        formatMs(run.healthDuringStorm.p99),
        formatMs(run.healthDuringStorm.max),
        run.logins.serverLoopDelay ? formatMs(run.logins.serverLoopDelay.p99) : "–",
      ]),
    },
    targets: [
      {
        target: `logins ≥ ${formatPercent(TARGET_SHARE)} of ${storm.cores} argon2 verifications at once alone, with /healthz p99 < 50 ms during the storm`,
        measured: best
          ? `${formatPercent(ofBound(best))} of ${formatCount(storm.parallelHashesPerSecond)}/s, /healthz p99 ${formatMs(best.healthDuringStorm.p99)} ms (${label(best)})`
          : "not run",
        met: best !== undefined && meets(best),
      },
    ],
    notes,
    chart: {
      title: "Logins",
      unit: "logins/s",
      bars: [
        { label: `argon2id, ${storm.cores} at once alone`, value: storm.parallelHashesPerSecond },
        ...storm.runs.map((run) => ({
          label: `Sesame, pool of ${run.threadPool}`,
          value: run.logins.rps,
          highlight: run === best,
        })),
      ],
    },
  };
}
