import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { initialKeys, readKeyFile, writeKeyFile } from "@sesame/trpc/keys";
import { afterEach, describe, expect, it } from "vitest";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(SERVER_DIR, "node_modules", ".bin", "tsx");
const RACE = fileURLToPath(new URL("./support/key-file-race.cjs", import.meta.url));

/** `pnpm keys …` as a separate process, exactly as an operator runs it. */
function keysCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      TSX,
      ["src/cli/keys.ts", ...args],
      {
        cwd: SERVER_DIR,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A key file with a current and a next key, in a fresh folder. */
async function keyFile() {
  const dir = mkdtempSync(join(tmpdir(), "sesame-lock-"));
  dirs.push(dir);
  const file = join(dir, "keys.json");
  const keys = await initialKeys("EdDSA", Date.now());
  writeKeyFile(file, keys);
  const [current, next] = keys.map((k) => k.kid) as [string, string];
  return { dir, file, current, next };
}

const ROTATED = /Rotated .*: (\S+) now signs, (\S+) is retired\./;

/** Each CLI run is a fresh tsx process (2-3 s, more on a busy machine). */
describe("the key file lock (pnpm keys)", { timeout: 120_000 }, () => {
  it("concurrent `rotate --force` runs take turns: N runs are N successive rotations, no key lost", async () => {
    const { dir, file, current, next } = await keyFile();
    const barrier = join(dir, "barrier");
    mkdirSync(barrier);
    const runs = 4;
    const env = {
      SIGNING_KEYS_FILE: file,
      NODE_OPTIONS: `--require ${RACE}`,
      KEY_FILE_RACE_FILE: file,
      KEY_FILE_RACE_PARTIES: String(runs),
      KEY_FILE_RACE_DIR: barrier,
      KEY_FILE_RACE_HOLD_MS: "300",
    };
    const results = await Promise.all(
      Array.from({ length: runs }, () => keysCli(["rotate", "--force"], env)),
    );

    const retiredBy = new Map<string, string>();
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      const [, promoted = "", retired = ""] = ROTATED.exec(result.stdout) ?? [];
      retiredBy.set(retired, promoted);
    }
    // Each run retired the key the run before it promoted: one chain from the first current key.
    expect(retiredBy.size).toBe(runs);
    const chain = [current];
    for (let i = 0; i < runs; i++) chain.push(retiredBy.get(chain[i] as string) ?? "missing");
    expect(chain[1]).toBe(next);
    expect(new Set(chain).size).toBe(runs + 1);

    // The file holds every key of that chain: all retired but the last, which signs, and a fresh next key.
    const keys = readKeyFile(file);
    const status = (kid: string) => keys.find((k) => k.kid === kid)?.status;
    expect(chain.slice(0, -1).map(status)).toEqual(Array(runs).fill("retired"));
    expect(status(chain[runs] as string)).toBe("current");
    expect(keys.filter((k) => k.status === "next")).toHaveLength(1);
    expect(keys).toHaveLength(runs + 2);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("a lock left by a process that died is broken, not waited out", async () => {
    const { file, next } = await keyFile();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(`${file}.lock`, `${dead}\n`, { mode: 0o600 });

    const result = await keysCli(["rotate", "--force"], { SIGNING_KEYS_FILE: file });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${next} now signs`);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
