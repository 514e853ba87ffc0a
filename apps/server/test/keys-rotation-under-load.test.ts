import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { initialKeys, writeKeyFile } from "@sesame/trpc/keys";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { signedUp, startTestServer } from "./support/test-server.ts";

type SignedUp = Awaited<ReturnType<typeof signedUp>>;

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(SERVER_DIR, "node_modules", ".bin", "tsx");
const WORKERS = 6;

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;

/** `pnpm keys rotate` as its own process, while the server is busy. */
function rotate(file: string, force: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      TSX,
      ["src/cli/keys.ts", "rotate", ...(force ? ["--force"] : [])],
      { cwd: SERVER_DIR, env: { PATH: process.env.PATH ?? "", SIGNING_KEYS_FILE: file } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    );
  });
}

interface LoadStats {
  requests: number;
  failures: string[];
  kids: Map<string, number>;
}

/**
 * One user's session hammering the server: `user.me` with its access token,
 * then `auth.refresh`, then `user.me` with the new token, over and over. Any
 * failure is recorded; none is expected.
 */
async function session(signed: SignedUp, stats: LoadStats, stop: () => boolean) {
  const { client } = signed;
  let refreshToken: string | undefined = signed.refreshToken;
  while (!stop()) {
    try {
      await client.api.user.me.query();
      stats.requests += 1;
      const pair = await client.api.auth.refresh.mutate({ refreshToken });
      stats.requests += 1;
      refreshToken = pair.refreshToken;
      client.accessToken = pair.accessToken;
      const kid = kidOf(pair.accessToken);
      stats.kids.set(kid, (stats.kids.get(kid) ?? 0) + 1);
    } catch (error) {
      stats.failures.push(
        error instanceof TRPCClientError
          ? `${error.data?.authCode ?? error.message}`
          : String(error),
      );
    }
  }
}

describe("key rotation under load", { timeout: 120_000 }, () => {
  it("loses no session and answers no unexpected 401 while keys rotate twice", async () => {
    const server = await startTestServer({
      RATE_LIMIT_REFRESH: "1000000",
      RATE_LIMIT_SIGN_IN: "1000",
    });
    const file = join(server.dir, "keys.json");
    // A key file whose next key has been published for an hour: the first rotation needs no --force.
    writeKeyFile(file, await initialKeys("EdDSA", Date.now() - 60 * 60 * 1000));
    expect(await server.keys.reloadIfChanged()).toBe(true);
    const firstKid = server.keys.current().signingKey().kid;

    // Sessions signed in before any rotation and then left alone.
    const idle = await Promise.all([1, 2, 3].map(() => signedUp(server)));
    const busy = await Promise.all(Array.from({ length: WORKERS }, () => signedUp(server)));

    const stats: LoadStats = { requests: 0, failures: [], kids: new Map() };
    let stopped = false;
    const load = Promise.all(busy.map((signed) => session(signed, stats, () => stopped)));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const signer = () => server.keys.current().signingKey().kid;

    await pause(1000);
    const beforeFirst = stats.requests;
    await rotate(file, false);
    while (signer() === firstKid) await pause(20);
    const secondKid = signer();
    await pause(1500);
    const beforeSecond = stats.requests;
    await rotate(file, true);
    while (signer() === secondKid) await pause(20);
    const thirdKid = signer();
    await pause(1500);
    stopped = true;
    await load;

    console.log(
      `rotation under load: ${stats.requests} requests (${beforeFirst} before the first rotation, ${beforeSecond} before the second), ${stats.failures.length} failures; tokens per kid: ${JSON.stringify(Object.fromEntries(stats.kids))}`,
    );
    expect(stats.failures).toEqual([]);
    expect(stats.requests).toBeGreaterThan(100);
    expect(new Set([firstKid, secondKid, thirdKid]).size).toBe(3);
    for (const kid of [firstKid, secondKid, thirdKid])
      expect(stats.kids.get(kid) ?? 0).toBeGreaterThan(0);

    // The idle sessions, signed by the first key two rotations ago, still work both ways.
    for (const { client, result, refreshToken } of idle) {
      expect(kidOf(result.accessToken)).toBe(firstKid);
      expect((await client.api.user.me.query()).id).toBe(result.user.id);
      const pair = await client.api.auth.refresh.mutate({ refreshToken });
      expect(kidOf(pair.accessToken)).toBe(thirdKid);
    }
  });
});
