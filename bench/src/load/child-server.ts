import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage, ProcessStats } from "../servers/child-protocol.ts";

/** A server under test, running in its own process so the load generator does not share its event loop. */
export interface ChildServer {
  url: string;
  info: Record<string, string>;
  pid: number;
  /** CPU time so far, and memory (after a full GC when `gc`). */
  stats(gc?: boolean): Promise<ProcessStats>;
  /** Runs `during` with V8's sampling profiler on the server's event loop; the profile goes to `file`. */
  profile(file: string, during: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const TSX = import.meta.resolve("tsx");
const START_TIMEOUT_MS = 120_000;

/**
 * Starts `servers/<entry>.ts` in a child Node process (TypeScript through
 * tsx), hands it `config` and waits until it listens. `env` is added to the
 * child's environment (e.g. UV_THREADPOOL_SIZE, which must be set before the
 * process starts).
 */
export async function startChildServer(
  entry: string,
  config: unknown,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const file = fileURLToPath(new URL(`../servers/${entry}.ts`, import.meta.url));
  const child = fork(file, [JSON.stringify(config)], {
    execArgv: ["--import", TSX, "--expose-gc", ...nodeArgs],
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<Extract<ChildMessage, { type: "ready" }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start in time`)),
      START_TIMEOUT_MS,
    );
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === "failed") {
        clearTimeout(timer);
        reject(new Error(`${entry} failed to start:\n${message.message}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with code ${code} before it was ready`));
    });
  });
  return {
    url: ready.url,
    info: ready.info,
    pid: child.pid ?? 0,
    stats: (gc = false) => askStats(child, gc),
    profile: (file, during) => profile(child, file, during),
    stop: () => stop(child),
  };
}

function askStats(child: ChildProcess, gc: boolean): Promise<ProcessStats> {
  return new Promise((resolve) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== "stats") return;
      child.off("message", onMessage);
      resolve(message.stats);
    };
    child.on("message", onMessage);
    child.send({ type: "stats", gc } satisfies ParentMessage);
  });
}

async function profile(child: ChildProcess, file: string, during: () => Promise<void>) {
  child.send({ type: "profile-start" } satisfies ParentMessage);
  try {
    await during();
  } finally {
    await new Promise<void>((resolve) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== "profiled") return;
        child.off("message", onMessage);
        resolve();
      };
      child.on("message", onMessage);
      child.send({ type: "profile-stop", file } satisfies ParentMessage);
    });
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
