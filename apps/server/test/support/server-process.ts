import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@sesame/trpc";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, afterEach } from "vitest";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** tsx's loader in Node itself: the tsx CLI would end the server at once on SIGTERM, unlike `npm start`. */
const TSX_LOADER = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()?.();
});
/** Processes kept for every test of the file (`lifetime: "file"`): starting one costs seconds. */
const runningForFile: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (runningForFile.length > 0) await runningForFile.pop()?.();
});

export interface SesameProcess {
  url: string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL (a crash: no shutdown code runs); resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Everything it printed so far (stdout and stderr): why it died, when it did. */
  output(): string;
  /** A tRPC client of this process, with an optional access token. */
  api(accessToken?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
}

/**
 * `src/main.ts` — what `npm start` runs — as an OS process of its own, with
 * only `env` (and PATH) set; resolves once it prints where it listens.
 * Stopped with SIGTERM after the test (or, with `lifetime: "file"`, after the file).
 */
export async function spawnSesame(
  env: Record<string, string>,
  options: { lifetime?: "test" | "file" } = {},
): Promise<SesameProcess> {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, "src/main.ts"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", WEB_DIST: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  (options.lifetime === "file" ? runningForFile : running).push(
    () =>
      new Promise<void>((resolve) => {
        // A process ended by a signal (kill9) has no exit code, only a signal code: it will not exit again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main.ts did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const listening = /listening on (\S+)/.exec(output);
      if (listening?.[1]) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
    output: () => output,
    kill9: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    api: (accessToken) =>
      createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: `${url}/trpc`,
            headers: () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
          }),
        ],
      }),
  };
}
