import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PasswordHasher } from "@sesame/auth";
import { BENCH_PASSWORD, type BenchContext } from "../bench-context.ts";
import { seedDatabase, seededEmail } from "../fixtures/seed-database.ts";
import { startChildServer } from "../load/child-server.ts";
import { CpuMeter } from "../report/cpu-meter.ts";
import type { RunWindows } from "../report/flatness.ts";
import { formatCount, formatMs } from "../report/format.ts";
import { runSoakClient, type SoakBehaviour } from "./soak-client.ts";
import { type SoakProcedure, SoakRecorder, type Tally } from "./soak-recorder.ts";

/** How long the soak runs and how hard: 10 minutes in full, one for `--soak --quick`. */
export interface SoakPlan extends RunWindows {
  /** Seconds between samples of the server's memory, descriptors and latency. */
  sampleSeconds: number;
  /** Concurrent clients, each one simulated user with its own account. */
  clients: number;
  behaviour: SoakBehaviour;
  /**
   * The soak server's ACCESS_TOKEN_TTL. A revoked session is held in memory
   * for an access token's lifetime plus the clock tolerance (30 s), pruned
   * once a minute, so that set reaches its steady size about a minute and a
   * half after the first logout. Under the default 10 minutes it would still
   * be filling at the end of a 10-minute soak, and its growth would pass for
   * a leak; 30 s lets it settle within the warm-up, so the judged minutes see
   * the server's steady state.
   */
  accessTokenTtlSeconds: number;
  /**
   * Accounts in the database at the start, the clients' among them: enough
   * that the file outgrows the server's page cache (PAGE_CACHE_KIB), which is
   * read full before the traffic starts. On a new, small file that cache
   * fills as the file grows, by up to its bound over the soak (16 MB of RSS
   * in 10 minutes here), which would pass for a leak.
   */
  seededAccounts: number;
}

/**
 * The traffic: 24 clients, each pausing 15 ms on average between requests
 * (about 1,000 requests/s in all), 20–80 `user.me` per session and a
 * refresh after one in ten: a login every 50 requests or so, about 20 a
 * second, each an argon2id verification. That keeps the two cores well short
 * of saturation, shared with the generator, so latency measures the server
 * rather than a queue, and a change in it over time means something.
 */
const BEHAVIOUR: SoakBehaviour = { usesPerVisit: [20, 80], refreshShare: 0.1, thinkMs: 15 };

export function soakPlan(quick: boolean): SoakPlan {
  const traffic = {
    clients: 24,
    behaviour: BEHAVIOUR,
    accessTokenTtlSeconds: 30,
    seededAccounts: 100_000,
  };
  return quick
    ? { endSeconds: 60, warmupSeconds: 15, windowSeconds: 15, sampleSeconds: 3, ...traffic }
    : { endSeconds: 600, warmupSeconds: 120, windowSeconds: 60, sampleSeconds: 5, ...traffic };
}

/** One look at the server, closing one sample interval. */
export interface SoakSample extends Tally {
  /** Seconds since the traffic started. */
  seconds: number;
  /** Resident set size, without forcing a collection first: what the OS sees. */
  rssBytes: number;
  /** Entries in /proc/<pid>/fd: sockets, database files, pipes. */
  openFds: number;
}

/** One window (a minute in full) of requests, with its own latency percentiles. */
export interface SoakWindow extends Tally {
  /** The window is (endSeconds - windowSeconds, endSeconds]. */
  endSeconds: number;
}

export interface SoakResult {
  plan: SoakPlan;
  samples: SoakSample[];
  windows: SoakWindow[];
  /** Each procedure after warm-up. */
  procedures: Record<SoakProcedure, Tally>;
  /** Sessions begun and ended by the clients over the whole run. */
  sessions: { begun: number; ended: number };
  /** V8 heap in use after a full collection: halfway through warm-up, and after the last sample. */
  heapAfterGc: { warmup: number; end: number };
  /** The first distinct failures and how often each came. */
  failures: Array<{ failure: string; count: number }>;
  /** Cores the server kept busy on average after warm-up (all its threads). */
  serverCores: number;
  /** Bytes of the database file and its WAL at the end. */
  databaseBytes: number;
  othersCores: number | undefined;
}

/**
 * The soak: Sesame's server on a SQLite file, under mixed traffic from
 * simulated users for the whole plan, sampled every few seconds: its RSS,
 * its open file descriptors, and the latency and failures of the requests
 * answered since the previous sample. Growth of any of them after warm-up is
 * what a leak of memory, sessions or sockets would look like.
 */
export async function measureSoak(ctx: BenchContext): Promise<SoakResult> {
  const plan = soakPlan(ctx.settings.quick);
  const databasePath = join(ctx.workDir, "soak.db");
  const passwordHash = await new PasswordHasher().hash(BENCH_PASSWORD);
  seedDatabase(databasePath, { users: plan.seededAccounts, sessions: 0, passwordHash });
  const server = await startChildServer("sesame-server", {
    databasePath,
    signingKeys: ctx.keys.json,
    env: { ACCESS_TOKEN_TTL: String(plan.accessTokenTtlSeconds) },
    warmPageCache: true,
  });
  let running = true;
  try {
    const recorder = new SoakRecorder();
    const sessions = { begun: 0, ended: 0 };
    ctx.log(
      `soak: ${plan.clients} clients for ${plan.endSeconds} s, sampled every ${plan.sampleSeconds} s`,
    );
    const meter = new CpuMeter();
    const traffic = Promise.all(
      Array.from({ length: plan.clients }, (_, i) =>
        runSoakClient({
          url: server.url,
          // One account per client, as the login storm does: no account sees two logins at once.
          email: seededEmail(i),
          password: BENCH_PASSWORD,
          behaviour: plan.behaviour,
          random: seededRandom(i + 1),
          recorder,
          running: () => running,
          sessions,
        }),
      ),
    );
    // A client that throws (a bug, not a failed request) must end the run, not go unnoticed.
    let crashed: unknown;
    traffic.catch((error: unknown) => {
      crashed = error;
    });

    const started = performance.now();
    const samples: SoakSample[] = [];
    const windows: SoakWindow[] = [];
    let heapAtWarmup = 0;
    let cpuAtWarmup = 0;
    // Halfway through warm-up, so the collection's pause lands in no judged interval.
    const heapSampleAt =
      Math.round(plan.warmupSeconds / 2 / plan.sampleSeconds) * plan.sampleSeconds;
    for (let n = 1; n * plan.sampleSeconds <= plan.endSeconds; n++) {
      const seconds = n * plan.sampleSeconds;
      // On a fixed schedule from the start, so slow samples do not stretch the run.
      await sleepUntil(started + seconds * 1000);
      if (crashed) throw crashed;
      const interval = recorder.takeInterval();
      const stats = await server.stats(false);
      samples.push({
        seconds,
        ...interval,
        rssBytes: stats.memory.rss,
        openFds: openFileDescriptors(server.pid),
      });
      if (seconds === heapSampleAt) heapAtWarmup = (await server.stats(true)).memory.heapUsed;
      if (seconds === plan.warmupSeconds) {
        recorder.takeProcedures();
        cpuAtWarmup = stats.cpuMicros;
      }
      if (seconds % plan.windowSeconds === 0) {
        const window = { endSeconds: seconds, ...recorder.takeWindow() };
        windows.push(window);
        ctx.log(
          `${clock(seconds)}: ${formatCount(window.requests / plan.windowSeconds)} req/s, p99 ${formatMs(window.p99)} ms, RSS ${Math.round(stats.memory.rss / 1e6)} MB (V8 heap ${Math.round(stats.memory.heapTotal / 1e6)} MB, ${residentKinds(server.pid)}), ${samples.at(-1)?.openFds} FDs, ${window.errors} errors`,
        );
      }
    }
    const procedures = recorder.takeProcedures();
    const cpuAtEnd = (await server.stats(false)).cpuMicros;
    const heapAtEnd = (await server.stats(true)).memory.heapUsed;
    running = false;
    await traffic;
    return {
      plan,
      samples,
      windows,
      procedures,
      sessions,
      heapAfterGc: { warmup: heapAtWarmup, end: heapAtEnd },
      failures: [...recorder.failures].map(([failure, count]) => ({ failure, count })),
      serverCores: (cpuAtEnd - cpuAtWarmup) / 1e6 / (plan.endSeconds - plan.warmupSeconds),
      databaseBytes: fileBytes(databasePath) + fileBytes(`${databasePath}-wal`),
      othersCores: meter.othersCores(),
    };
  } finally {
    // Also when a sample failed: clients left running would retry against a stopped server for ever.
    running = false;
    await server.stop();
  }
}

/** Open file descriptors of a process: the entries of /proc/<pid>/fd (0 where there is no /proc). */
function openFileDescriptors(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Seconds as "m:ss". */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;
}

function sleepUntil(at: number): Promise<void> {
  const wait = at - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** mulberry32: a small, fast, seeded generator; a client's traffic is the same in every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The resident memory of a process in two parts, from Linux's smaps_rollup: anonymous (V8's heap, malloc) and the rest (file-backed and shared mappings). */
function residentKinds(pid: number): string {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kB = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
    return `anonymous ${Math.round(kB("Anonymous") / 1000)} MB, file and shared ${Math.round(kB("Rss") / 1000 - kB("Anonymous") / 1000)} MB`;
  } catch {
    return "no smaps";
  }
}
