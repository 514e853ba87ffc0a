import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * The few messages between the bench and a server it started in a child
 * process (over Node's IPC channel): the child says where it listens, and
 * reports its memory and CPU time when asked, and profiles its event loop
 * between a start and a stop (so start-up does not crowd the profile).
 */
export interface ProcessStats {
  /** CPU time of the whole process (event loop, thread pool, GC), user + system, in microseconds. */
  cpuMicros: number;
  memory: MemoryReport;
  /** Counters the server itself keeps (e.g. write batches), by name. */
  counters: Record<string, number>;
  /** How late the event loop ran its timers since the previous stats request (ms): time it was blocked. */
  loopDelay: { p50: number; p99: number; max: number };
}

export interface MemoryReport {
  /** Resident set size in bytes. */
  rss: number;
  /** V8 heap in use after a full GC, in bytes. */
  heapUsed: number;
  /** Memory outside the V8 heap that V8 knows of (buffers), in bytes. */
  external: number;
  /** What V8 has reserved for its heap, garbage included, in bytes. */
  heapTotal: number;
}

export type ChildMessage =
  | { type: "ready"; url: string; info: Record<string, string> }
  | { type: "stats"; stats: ProcessStats }
  | { type: "profiled" }
  | { type: "failed"; message: string };

/** `gc`: collect garbage before measuring memory (not while timing CPU: the collection would be counted). */
export type ParentMessage =
  | { type: "stats"; gc: boolean }
  | { type: "profile-start" }
  /** Stop profiling and write the `.cpuprofile` JSON to `file`; answered by "profiled". */
  | { type: "profile-stop"; file: string };

export interface StartedServer {
  url: string;
  /** Facts the bench needs back from the child (a user id, a cookie). */
  info?: Record<string, string>;
  /** The server's own counters, read with every stats request. */
  counters?: () => Record<string, number>;
  close(): Promise<void>;
}

/**
 * The body of every child entry: reads its JSON config from argv, starts the
 * server, reports "ready", answers stats requests, and closes on SIGTERM.
 */
export async function runChild<Config>(start: (config: Config) => Promise<StartedServer>) {
  const send = (message: ChildMessage) => process.send?.(message);
  try {
    const config = JSON.parse(process.argv[2] ?? "{}") as Config;
    const server = await start(config);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const profiler = new Session();
    process.on("message", async (message: ParentMessage) => {
      if (message.type === "profile-start") {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
        return;
      }
      if (message.type === "profile-stop") {
        const { profile } = await profiler.post("Profiler.stop");
        profiler.disconnect();
        writeFileSync(message.file, JSON.stringify(profile));
        send({ type: "profiled" });
        return;
      }
      const { user, system } = process.cpuUsage();
      // Measure what stays alive, not garbage that happens to be uncollected.
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed, external, heapTotal } = process.memoryUsage();
      send({
        type: "stats",
        stats: {
          cpuMicros: user + system,
          memory: { rss, heapUsed, external, heapTotal },
          counters: server.counters?.() ?? {},
          loopDelay: {
            p50: loopDelay.percentile(50) / 1e6,
            p99: loopDelay.percentile(99) / 1e6,
            max: loopDelay.max / 1e6,
          },
        },
      });
      loopDelay.reset();
    });
    process.once("SIGTERM", () => {
      void server.close().finally(() => process.exit(0));
    });
    process.once("disconnect", () => process.exit(0));
    send({ type: "ready", url: server.url, info: server.info ?? {} });
  } catch (error) {
    send({
      type: "failed",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
}
