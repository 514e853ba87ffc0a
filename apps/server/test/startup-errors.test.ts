import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sesame-startup-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `src/main.ts` as `npm start` runs it, to its exit: what it printed and how it ended. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dir = tempDir();
  const child = spawn(TSX, ["src/main.ts"], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      WEB_DIST: "",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

function expectOneClearLine(output: string, says: RegExp): void {
  const lines = output.trim().split("\n");
  expect(lines.at(-1)).toMatch(/^Sesame could not start: /);
  expect(lines.at(-1)).toMatch(says);
  expect(output).not.toMatch(/^\s+at /m);
}

describe("start-up failures are one clear line and a non-zero exit, never a stack", () => {
  it("a port in use", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => taken.close());
    const port = (taken.address() as { port: number }).port;
    const { code, output } = await runMain({ PORT: String(port) });
    expect(code).toBe(1);
    expectOneClearLine(output, new RegExp(`Port ${port} is already in use`));
  });

  it("a bad PORT", async () => {
    const { code, output } = await runMain({ PORT: "eighty" });
    expect(code).toBe(1);
    expect(output).toMatch(/PORT: must be a whole number/);
    expect(output).not.toMatch(/^\s+at /m);
  });

  it("a database path that cannot be created", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a-file"), "");
    const { code, output } = await runMain({
      PORT: "0",
      DATABASE_URL: join(dir, "a-file", "sesame.db"),
    });
    expect(code).toBe(1);
    expectOneClearLine(output, /cannot be created there/);
  });
});
