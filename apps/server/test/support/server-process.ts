import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterEach } from "vitest";
import type { AppRouter } from "../../src/index.ts";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** tsx's loader in Node itself: the tsx CLI would end the server at once on SIGTERM, unlike `npm start`. */
const TSX_LOADER = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()?.();
});

export interface SesameProcess {
  url: string;
  /** Sends `signal` and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** A tRPC client of this process, with an optional access token. */
  api(accessToken?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
}

/**
 * `src/main.ts` — what `npm start` runs — as an OS process of its own, with
 * only `env` (and PATH) set; resolves once it prints where it listens.
 * Stopped with SIGTERM after the test.
 */
export async function spawnSesame(env: Record<string, string>): Promise<SesameProcess> {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, "src/main.ts"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", WEB_DIST: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
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
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
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
