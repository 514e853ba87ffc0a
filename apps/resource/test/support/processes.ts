import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

const RESOURCE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_DIR = join(RESOURCE_DIR, "..", "server");
const TSX = join(RESOURCE_DIR, "node_modules", ".bin", "tsx");

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/**
 * Runs a TypeScript entry point as its own OS process and waits for the line
 * that says it is listening. Stopped (SIGTERM, by its pid) after the test.
 */
async function spawnService(
  script: string,
  cwd: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ match: RegExpExecArray; child: ChildProcess; output: () => string }> {
  const child = spawn(TSX, [script], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  );
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start:\n${output}`)),
      30_000,
    );
    const check = () => {
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return { match, child, output: () => output };
}

export interface SesameProcess {
  url: string;
  issuer: string;
  keysFile: string;
  pid: number | undefined;
}

/** `tsx apps/server/src/main.ts` — the real Sesame server, in a process of its own (PORT=0). */
export async function spawnSesame(env: Record<string, string> = {}): Promise<SesameProcess> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-process-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const keysFile = join(dir, "keys.json");
  const { match, child } = await spawnService(
    join(SERVER_DIR, "src", "main.ts"),
    SERVER_DIR,
    {
      PORT: "0",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: keysFile,
      WEB_DIST: "",
      ...env,
    },
    /listening on (\S+) \(.*issuer: (\S+)\)/,
  );
  return { url: match[1] ?? "", issuer: match[2] ?? "", keysFile, pid: child.pid };
}

/** `tsx apps/resource/src/main.ts` — the notes service, in a process of its own. */
export async function spawnNotes(
  issuer: string,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number | undefined }> {
  const { match, child } = await spawnService(
    join(RESOURCE_DIR, "src", "main.ts"),
    RESOURCE_DIR,
    { PORT: "0", SESAME_ISSUER: issuer, ...env },
    /listening on (\S+) /,
  );
  return { url: match[1] ?? "", pid: child.pid };
}

/** `pnpm keys <args>` against a key file, in a process of its own. */
export function keysCli(args: string[], keysFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      TSX,
      [join(SERVER_DIR, "src", "cli", "keys.ts"), ...args],
      { cwd: SERVER_DIR, env: { PATH: process.env.PATH ?? "", SIGNING_KEYS_FILE: keysFile } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    );
  });
}
