import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnSesame } from "./support/server-process.ts";
import { authCodeOf, PASSWORD } from "./support/test-server.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One database and key file, as two processes behind one public URL would share them. */
function sharedFiles() {
  const dir = mkdtempSync(join(tmpdir(), "sesame-processes-"));
  dirs.push(dir);
  return {
    PORT: "0",
    DATABASE_URL: join(dir, "sesame.db"),
    SIGNING_KEYS_FILE: join(dir, "keys.json"),
    PUBLIC_URL: "https://id.example.com",
  };
}

describe("Sesame as separate OS processes (what `npm start` runs)", () => {
  it("listens where PORT says, keeps its data where DATABASE_URL says, and says where it listens", async () => {
    const env = sharedFiles();
    const sesame = await spawnSesame(env);
    expect(sesame.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${sesame.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    expect(existsSync(env.DATABASE_URL)).toBe(true);
    expect(existsSync(env.SIGNING_KEYS_FILE)).toBe(true);
  });

  it("a logout in one process stops the session's access token in the other at once", async () => {
    const env = sharedFiles();
    // One after the other: the first writes the key file the second then reads.
    const one = await spawnSesame(env);
    const two = await spawnSesame(env);
    const signedUp = await one
      .api()
      .auth.register.mutate({ email: "ann@example.com", password: PASSWORD, transport: "body" });
    const onTwo = two.api(signedUp.accessToken);
    expect((await onTwo.user.me.query()).email).toBe("ann@example.com");

    await one.api(signedUp.accessToken).auth.logout.mutate();

    expect(await authCodeOf(onTwo.user.me.query())).toBe("SESSION_REVOKED");
  });

  it("the per-IP sign-in budget is one budget for both processes", async () => {
    const env = { ...sharedFiles(), RATE_LIMIT_SIGN_IN: "2" };
    const one = await spawnSesame(env);
    const two = await spawnSesame(env);
    const signIn = { email: "cy@example.com", password: PASSWORD, transport: "body" as const };
    await one.api().auth.register.mutate(signIn);
    await two.api().auth.login.mutate(signIn);
    expect(await authCodeOf(one.api().auth.login.mutate(signIn))).toBe("RATE_LIMITED");
  });

  it("failed logins counted in one process count in the other", async () => {
    const env = { ...sharedFiles(), LOGIN_IP_MAX_FAILURES: "2" };
    const one = await spawnSesame(env);
    const two = await spawnSesame(env);
    await one.api().auth.register.mutate({ email: "bo@example.com", password: PASSWORD });
    const wrong = {
      email: "bo@example.com",
      password: "not the password",
      transport: "body" as const,
    };
    expect(await authCodeOf(one.api().auth.login.mutate(wrong))).toBe("INVALID_CREDENTIALS");
    expect(await authCodeOf(two.api().auth.login.mutate(wrong))).toBe("INVALID_CREDENTIALS");
    expect(
      await authCodeOf(
        one
          .api()
          .auth.login.mutate({ email: "bo@example.com", password: PASSWORD, transport: "body" }),
      ),
    ).toBe("RATE_LIMITED");
  });
});
