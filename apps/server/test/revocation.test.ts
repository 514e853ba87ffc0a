import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

/** Two devices of one user, both with a body-transport pair. */
async function twoDevices(server: Awaited<ReturnType<typeof startTestServer>>) {
  const first = await signedUp(server);
  const second = server.client();
  const pair = await second.api.auth.login.mutate({
    email: first.email,
    password: PASSWORD,
    transport: "body",
  });
  second.accessToken = pair.accessToken;
  return {
    email: first.email,
    a: { client: first.client, refreshToken: first.refreshToken },
    b: { client: second, refreshToken: pair.refreshToken as string },
  };
}

describe("instant revocation (SECURITY 16)", () => {
  it("logout: the session's access and refresh tokens fail at once", async () => {
    const server = await startTestServer();
    const { a } = await twoDevices(server);
    await a.client.api.auth.logout.mutate();
    expect(await authCodeOf(a.client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(
      await authCodeOf(a.client.api.auth.refresh.mutate({ refreshToken: a.refreshToken })),
    ).toBe("SESSION_REVOKED");
  });

  it("logout with one session's access token and another session's refresh token ends both", async () => {
    const server = await startTestServer();
    const { a, b } = await twoDevices(server);
    const mixed = server.client({ accessToken: a.client.accessToken });
    await mixed.api.auth.logout.mutate({ refreshToken: b.refreshToken });
    expect(await authCodeOf(a.client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await authCodeOf(b.client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(
      await authCodeOf(b.client.api.auth.refresh.mutate({ refreshToken: b.refreshToken })),
    ).toBe("SESSION_REVOKED");
  });

  it("logoutAll: every session's access and refresh tokens fail at once", async () => {
    const server = await startTestServer();
    const { a, b } = await twoDevices(server);
    await a.client.api.auth.logoutAll.mutate();
    for (const device of [a, b]) {
      expect(await authCodeOf(device.client.api.user.me.query())).toBe("SESSION_REVOKED");
      expect(
        await authCodeOf(
          device.client.api.auth.refresh.mutate({ refreshToken: device.refreshToken }),
        ),
      ).toBe("SESSION_REVOKED");
    }
  });

  it("password change: the other session's access and refresh tokens fail at once", async () => {
    const server = await startTestServer();
    const { a, b } = await twoDevices(server);
    await a.client.api.user.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: "another fine passphrase",
    });
    expect(await authCodeOf(b.client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(
      await authCodeOf(b.client.api.auth.refresh.mutate({ refreshToken: b.refreshToken })),
    ).toBe("SESSION_REVOKED");
    await expect(a.client.api.user.me.query()).resolves.toBeDefined();
  });

  it("holds across two server instances (own connections and memory) sharing one database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sesame-shared-"));
    const shared = {
      DATABASE_URL: join(dir, "db.sqlite"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      PUBLIC_URL: "https://id.example.com", // two processes behind one public URL share the issuer
    };
    const one = await startTestServer(shared);
    const two = await startTestServer(shared);
    two.clock.set(one.clock.now());
    const { client } = await signedUp(one);
    const onTwo = two.client({ accessToken: client.accessToken });
    await expect(onTwo.api.user.me.query()).resolves.toBeDefined();
    await client.api.auth.logout.mutate();
    expect(await authCodeOf(onTwo.api.user.me.query())).toBe("SESSION_REVOKED");
  });

  it("a disabled account's sessions all die, and it cannot sign in again", async () => {
    const server = await startTestServer();
    const { a, b, email } = await twoDevices(server);
    const me = await a.client.api.user.me.query();
    await server.auth.accounts.setDisabled(me.id, true, { ip: null, userAgent: "operator" });
    for (const device of [a, b]) {
      expect(await authCodeOf(device.client.api.user.me.query())).toBe("SESSION_REVOKED");
      expect(
        await authCodeOf(
          device.client.api.auth.refresh.mutate({ refreshToken: device.refreshToken }),
        ),
      ).toBe("SESSION_REVOKED");
    }
    expect(
      await authCodeOf(server.client().api.auth.login.mutate({ email, password: PASSWORD })),
    ).toBe("ACCOUNT_DISABLED");
  });
});
