import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AUTH_DEFAULTS, retiredKeyRetention } from "@sesame/auth";
import { initialKeys, readKeyFile, writeKeyFile } from "@sesame/trpc/keys";
import { afterEach, describe, expect, it } from "vitest";
import { signedUp, startTestServer } from "./support/test-server.ts";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(SERVER_DIR, "node_modules", ".bin", "tsx");
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];
const HOUR = 60 * 60 * 1000;

/** `pnpm keys …` as a separate process, exactly as an operator runs it. */
function keysCli(args: string[], env: Record<string, string> = {}) {
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

function privateValues(file: string): string[] {
  return readKeyFile(file).flatMap((record) =>
    PRIVATE_MEMBERS.map((m) => (record.privateJwk as Record<string, unknown>)[m]).filter(
      (v): v is string => typeof v === "string",
    ),
  );
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sesame-keys-"));
  dirs.push(dir);
  return dir;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - start;
}

/** Each CLI run is a fresh tsx process (about 2-3 s, more while other test files run). */
const CLI_TEST_TIMEOUT = 120_000;

describe("pnpm keys", { timeout: CLI_TEST_TIMEOUT }, () => {
  it("rotates a running server's keys without a restart, and never prints key material", async () => {
    const server = await startTestServer();
    const file = join(server.dir, "keys.json");
    const env = { SIGNING_KEYS_FILE: file };
    const { client, result } = await signedUp(server);
    const [current, next] = server.keys.current().kids() as [string, string];

    const list = await keysCli(["list"], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`current\\s+EdDSA\\s+${current}`));
    expect(list.stdout).toMatch(new RegExp(`next\\s+EdDSA\\s+${next}`));
    const json = await keysCli(["list", "--json"], env);
    expect(JSON.parse(json.stdout).map((k: { kid: string }) => k.kid)).toEqual([current, next]);

    // The next key was published a moment ago: caches may not hold it yet.
    const early = await keysCli(["rotate"], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("ERR_KEY_SET_NEXT_KEY_TOO_NEW");
    expect(readKeyFile(file).map((k) => k.kid)).toEqual([current, next]);

    const rotated = await keysCli(["rotate", "--force"], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`${next} now signs, ${current} is retired`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const secret of privateValues(file)) {
      for (const output of [list, json, early, rotated]) {
        expect(output.stdout + output.stderr).not.toContain(secret);
      }
    }

    // The server's own file watcher notices; nobody calls it.
    const waited = await until(() => server.keys.current().signingKey().kid === next, 5_000);
    expect(waited).toBeLessThan(5_000);
    const kids = server.keys.current().kids();
    expect(kids).toHaveLength(3);
    expect(kids).toContain(current);
    const { keys } = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    expect(keys.map((k: { kid: string }) => k.kid)).toEqual(kids);

    expect((await client.api.user.me.query()).id).toBe(result.user.id);
    const refreshed = await client.api.auth.refresh.mutate({
      refreshToken: result.refreshToken ?? "",
    });
    expect(
      JSON.parse(Buffer.from(refreshed.accessToken.split(".")[0] ?? "", "base64url").toString())
        .kid,
    ).toBe(next);
  });

  it("rotates without --force once the next key is old enough, and prunes expired retired keys", async () => {
    const dir = tempDir();
    const file = join(dir, "keys.json");
    const now = Date.now();
    const retention = retiredKeyRetention(AUTH_DEFAULTS);
    const [current, next] = await initialKeys("EdDSA", now - HOUR);
    const [expired, kept] = await initialKeys("EdDSA", now - 30 * 24 * HOUR);
    if (!current || !next || !expired || !kept) throw new Error("no keys");
    writeKeyFile(file, [
      current,
      next,
      { ...expired, status: "retired", retiredAt: now - retention * 1000 - 60_000 },
      { ...kept, status: "retired", retiredAt: now - retention * 1000 + 60_000 },
    ]);

    const rotated = await keysCli(["rotate"], { SIGNING_KEYS_FILE: file, SIGNING_ALG: "ES256" });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`Pruned: ${expired.kid}.`);
    const keys = readKeyFile(file);
    expect(keys.map((k) => [k.status, k.alg])).toEqual([
      ["current", "EdDSA"],
      ["next", "ES256"],
      ["retired", "EdDSA"],
      ["retired", "EdDSA"],
    ]);
    expect(keys.map((k) => k.kid)).toEqual([next.kid, keys[1]?.kid, current.kid, kept.kid]);
  });

  it("init creates a private key file once; keys from SIGNING_KEYS are listed but not rotated", async () => {
    const dir = tempDir();
    const file = join(dir, "nested", "keys.json");
    const init = await keysCli(["init"], { SIGNING_KEYS_FILE: file, SIGNING_ALG: "RS256" });
    expect(init.code, init.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file).map((k) => [k.status, k.alg])).toEqual([
      ["current", "RS256"],
      ["next", "RS256"],
    ]);
    for (const secret of privateValues(file)) expect(init.stdout).not.toContain(secret);
    const before = readFileSync(file, "utf8");
    expect((await keysCli(["init"], { SIGNING_KEYS_FILE: file })).code).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(before);

    const inline = JSON.stringify({ keys: readKeyFile(file) });
    const list = await keysCli(["list"], { SIGNING_KEYS: inline });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("RS256");
    const rotate = await keysCli(["rotate", "--force"], { SIGNING_KEYS: inline });
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain("SIGNING_KEYS");

    expect((await keysCli(["shuffle"])).code).toBe(2);
  });
});
