import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeSecret, SealedKeySet } from "@sesame/trpc/keys";
import { describe, expect, it } from "vitest";
import { runKeysCommand } from "../src/cli/run-keys-command.ts";
import { readEnv } from "../src/env.ts";
import { startServer } from "../src/server.ts";
import { startTestServer, TEST_BACKEND, type TestServer } from "./support/test-server.ts";

/** The ring as stored: one sealed row. */
async function storedRing(server: TestServer) {
  const [row] = await server.query<{ version: number; sealed: string }>(
    "SELECT version, sealed FROM key_ring",
  );
  return row;
}

async function kidsOf(server: TestServer): Promise<string[]> {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string }> };
  return keys.map((key) => key.kid).sort();
}

describe.runIf(TEST_BACKEND === "postgresql")("the key ring in the database (PostgreSQL)", () => {
  it("holds the private keys only sealed under KEY_ENCRYPTION_SECRET", async () => {
    const server = await startTestServer();
    const row = await storedRing(server);
    expect(row?.version).toBe(1);
    const secret = readFileSync(join(server.dir, "key-encryption-secret"), "utf8").trim();
    const records = new SealedKeySet(decodeSecret(secret, "test")).open(row?.sealed ?? "");
    expect(records.map((r) => r.kid).sort()).toEqual(await kidsOf(server));
    const everything = JSON.stringify(await server.query("SELECT * FROM key_ring"));
    for (const record of records) {
      const d = (record.privateJwk as { d?: string }).d;
      if (d) expect(everything).not.toContain(d);
    }
  });

  it("pnpm keys rotate on the database reaches a running node without a restart", async () => {
    const server = await startTestServer();
    const before = await kidsOf(server);
    const lines: string[] = [];
    const env = readEnv({
      DATABASE_URL: server.databaseUrl,
      KEY_ENCRYPTION_SECRET_FILE: join(server.dir, "key-encryption-secret"),
    });
    const code = await runKeysCommand(["rotate", "--force"], env, {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      now: () => server.clock.now(),
    });
    expect(code, lines.join("\n")).toBe(0);
    expect((await storedRing(server))?.version).toBe(2);
    expect(await server.keys.reloadIfChanged()).toBe(true);
    const after = await kidsOf(server);
    expect(after).not.toEqual(before);
    // The key that was `next` signs now: every node's tokens verify everywhere through the one ring.
    expect(after).toContain(server.keys.current().signingKey().kid);
  });

  it("a node with another KEY_ENCRYPTION_SECRET refuses to start, and says why", async () => {
    const server = await startTestServer();
    await expect(
      startServer(
        readEnv({
          PORT: "0",
          DATABASE_URL: server.databaseUrl,
          KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url"),
          SERVER_SECRET_FILE: join(server.dir, "other-secret"),
          WEB_DIST: "",
          LOG_LEVEL: "silent",
        }),
      ),
    ).rejects.toThrow(/does not open with this KEY_ENCRYPTION_SECRET/);
  });
});
