import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TotpSecretBox, totpCodeAt } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { PASSWORD, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSX = join(SERVER_DIR, "node_modules", ".bin", "tsx");

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

/** The environment the test server runs with, as the command needs it to find the database and secrets. */
const serverEnv = (server: TestServer) => ({
  DATABASE_URL: server.databaseUrl,
  SERVER_SECRET_FILE: join(server.dir, "server-secret"),
  KEY_ENCRYPTION_SECRET_FILE: join(server.dir, "key-encryption-secret"),
});

/** A signed-up user with TOTP on (sealed, by the server, under the default key: the server secret's). */
async function enrolled(server: TestServer) {
  const account = await signedUp(server);
  const { secret } = await account.client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
  await account.client.api.mfa.totp.confirm.mutate({
    code: totpCodeAt(secret, server.clock.now()),
  });
  return { userId: account.result.user.id, secret };
}

const keyIdOf = (key: Uint8Array) =>
  new TotpSecretBox(randomBytes(32), { current: key }).currentKeyId;

/** Each CLI run is a fresh tsx process (about 2-3 s, more while other test files run). */
const CLI_TEST_TIMEOUT = 120_000;

describe("pnpm keys totp-reseal", { timeout: CLI_TEST_TIMEOUT }, () => {
  it("seals every TOTP secret under a previous key again under the new current one, once; never prints a key or a secret", async () => {
    const server = await startTestServer();
    const [ann, bob] = [await enrolled(server), await enrolled(server)];
    const newKey = randomBytes(32);
    const newKeyText = Buffer.from(newKey).toString("base64url");
    const env = {
      ...serverEnv(server),
      TOTP_ENCRYPTION_KEY: newKeyText,
      TOTP_ENCRYPTION_KEYS_PREVIOUS: "server-secret",
    };

    const first = await keysCli(["totp-reseal"], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const newKeyId = keyIdOf(newKey);
    expect(first.stdout).toContain(
      `TOTP secrets sealed again under key ${newKeyId}: 2; already under it: 0;`,
    );
    expect(first.stdout).toContain("TOTP_ENCRYPTION_KEYS_PREVIOUS can be emptied");
    // Each is now under the new key alone, and is still its owner's secret.
    const onlyNewKey = new TotpSecretBox(randomBytes(32), { current: newKey });
    for (const { userId, secret } of [ann, bob]) {
      const sealed = String(
        await server.queryValue("SELECT sealed_secret FROM totp_factors WHERE user_id = ?", userId),
      );
      expect(sealed.startsWith(`${newKeyId}.`)).toBe(true);
      expect(onlyNewKey.open(userId, sealed)).toEqual({ kind: "opened", secret, stale: false });
    }

    const again = await keysCli(["totp-reseal"], { ...env, TOTP_ENCRYPTION_KEYS_PREVIOUS: "" });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`under key ${newKeyId}: 0; already under it: 2;`);

    for (const output of [first, again].flatMap((run) => [run.stdout, run.stderr])) {
      expect(output).not.toContain(newKeyText);
      expect(output).not.toContain(ann.secret);
      expect(output).not.toContain(bob.secret);
    }
  });

  it("names each secret it cannot open and the key it needs, and exits 1", async () => {
    const server = await startTestServer();
    const carol = await enrolled(server);
    const firstKey = randomBytes(32);
    const moved = await keysCli(["totp-reseal"], {
      ...serverEnv(server),
      TOTP_ENCRYPTION_KEY: Buffer.from(firstKey).toString("base64url"),
      TOTP_ENCRYPTION_KEYS_PREVIOUS: "server-secret",
    });
    expect(moved.code).toBe(0);

    // The first key dropped before a second one took its place: nothing opens Carol's secret.
    const stranded = await keysCli(["totp-reseal"], {
      ...serverEnv(server),
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
    });
    expect(stranded.code).toBe(1);
    expect(stranded.stdout).toContain(": 0; already under it: 0;");
    expect(stranded.stderr).toContain(
      `user ${carol.userId}: under key ${keyIdOf(firstKey)}, which is not configured`,
    );
    expect(stranded.stderr).toContain("TOTP_ENCRYPTION_KEYS_PREVIOUS");
  });

  it("reads the server secret but never makes one: without it, a clear error and no file", async () => {
    const server = await startTestServer();
    await enrolled(server);
    const missing = {
      SERVER_SECRET_FILE: join(server.dir, "elsewhere", "server-secret"),
      KEY_ENCRYPTION_SECRET_FILE: join(server.dir, "elsewhere", "key-encryption-secret"),
    };
    const run = await keysCli(["totp-reseal"], {
      ...serverEnv(server),
      ...missing,
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
      TOTP_ENCRYPTION_KEYS_PREVIOUS: "server-secret",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No (SERVER_SECRET|KEY_ENCRYPTION_SECRET) here: .* does not exist/);
    expect(existsSync(missing.SERVER_SECRET_FILE)).toBe(false);
    expect(existsSync(missing.KEY_ENCRYPTION_SECRET_FILE)).toBe(false);
  });
});
