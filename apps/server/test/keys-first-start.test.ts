import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initialKeys, readKeyFile } from "@sesame/trpc/keys";
import { afterEach, describe, expect, it } from "vitest";
import { readEnv } from "../src/env.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sesame-first-start-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real server over `dir`'s database, its log lines captured. */
async function start(dir: string, env: Record<string, string>) {
  const lines: string[] = [];
  const server = await startServer(
    readEnv({ PORT: "0", DATABASE_URL: join(dir, "sesame.db"), WEB_DIST: "", ...env }),
    { log: (line) => lines.push(line) },
  );
  let closed = false;
  const stop = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  cleanups.push(stop);
  return { server, lines, stop };
}

async function publishedKids(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string }> };
  return keys.map((k) => k.kid).sort();
}

const generation = /generated a new \w+ key/i;
const mode = (path: string) => statSync(path).mode & 0o777;

describe("signing keys on first start", () => {
  it("generates a key file (0600) when there is none, says so, and serves its keys", async () => {
    const dir = tempDir();
    const file = join(dir, "keys.json");
    expect(existsSync(file)).toBe(false);

    const { server, lines } = await start(dir, { SIGNING_KEYS_FILE: file });
    expect(existsSync(file)).toBe(true);
    expect(mode(file)).toBe(0o600);

    const told = lines.filter((line) => generation.test(line));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(file);
    expect(told[0]).toContain("EdDSA");

    const records = readKeyFile(file);
    expect(records.map((r) => r.status).sort()).toEqual(["current", "next"]);
    expect(await publishedKids(server)).toEqual(records.map((r) => r.kid).sort());
    // The log names the file, never the secret in it.
    for (const record of records) {
      const secret = (record.privateJwk as { d?: string }).d ?? "";
      expect(secret.length).toBeGreaterThan(20);
      expect(lines.join("\n")).not.toContain(secret);
    }
  });

  it("a second start with the same file reuses its keys and does not generate again", async () => {
    const dir = tempDir();
    const file = join(dir, "keys.json");
    const first = await start(dir, { SIGNING_KEYS_FILE: file });
    const kids = await publishedKids(first.server);
    const content = readFileSync(file, "utf8");
    await first.stop();

    const second = await start(dir, { SIGNING_KEYS_FILE: file });
    expect(await publishedKids(second.server)).toEqual(kids);
    expect(second.server.keys.current().signingKey().kid).toBe(
      readKeyFile(file).find((r) => r.status === "current")?.kid,
    );
    expect(readFileSync(file, "utf8")).toBe(content);
    expect(second.lines.filter((line) => generation.test(line))).toEqual([]);
  });

  it("creates a missing directory for the key file, readable by its owner only (0700)", async () => {
    const dir = tempDir();
    const file = join(dir, "nested", "secrets", "keys.json");
    await start(dir, { SIGNING_KEYS_FILE: file });
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, "nested", "secrets"))).toBe(0o700);
  });

  it("with SIGNING_KEYS set, writes no file and generates nothing", async () => {
    const dir = tempDir();
    const file = join(dir, "keys.json");
    const keys = await initialKeys("EdDSA", Date.now());
    const { server, lines } = await start(dir, {
      SIGNING_KEYS: JSON.stringify({ keys }),
      SIGNING_KEYS_FILE: file,
    });
    expect(existsSync(file)).toBe(false);
    expect(lines.filter((line) => generation.test(line))).toEqual([]);
    expect(await publishedKids(server)).toEqual(keys.map((k) => k.kid).sort());
  });
});

describe("the server secret on first start", () => {
  it("is generated beside the database (0600), said once, and kept across restarts", async () => {
    const dir = tempDir();
    const file = join(dir, "server-secret");
    const first = await start(dir, {});
    expect(mode(file)).toBe(0o600);
    expect(first.lines.filter((line) => line.includes("server secret"))).toHaveLength(1);
    const secret = readFileSync(file, "utf8");
    expect(Buffer.from(secret.trim(), "base64url")).toHaveLength(32);
    expect(first.lines.join("\n")).not.toContain(secret.trim());
    await first.stop();
    const second = await start(dir, {});
    expect(readFileSync(file, "utf8")).toBe(secret);
    expect(second.lines.filter((line) => line.includes("server secret"))).toEqual([]);
  });

  it("processes starting together on an empty folder agree on one secret", async () => {
    const dir = tempDir();
    const file = join(dir, "server-secret");
    const secrets = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { stop } = await start(dir, {});
        const secret = readFileSync(file, "utf8");
        await stop();
        return secret;
      }),
    );
    expect(new Set(secrets).size).toBe(1);
  });

  it("a SERVER_SECRET that is too short or not base64url stops the start with a message", async () => {
    const dir = tempDir();
    await expect(start(dir, { SERVER_SECRET: "c2hvcnQ" })).rejects.toThrow(/at least 32/);
    await expect(start(dir, { SERVER_SECRET: "!".repeat(50) })).rejects.toThrow(/at least 32/);
  });
});
