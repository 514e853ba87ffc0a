import { describe, expect, it } from "vitest";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

async function threeDevices() {
  const server = await startTestServer();
  const first = await signedUp(server);
  const devices = [first.client];
  for (let i = 0; i < 2; i++) {
    const device = server.client({ headers: { "user-agent": `device-${i + 2}` } });
    const pair = await device.api.auth.login.mutate({
      email: first.email,
      password: PASSWORD,
      transport: "body",
    });
    device.accessToken = pair.accessToken;
    devices.push(device);
  }
  return {
    server,
    devices: devices as [typeof first.client, typeof first.client, typeof first.client],
  };
}

describe("sessions (devices)", () => {
  it("session.list shows every live session with the caller's marked current", async () => {
    const { devices } = await threeDevices();
    const sessions = await devices[1].api.session.list.query();
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const current = sessions.find((s) => s.current);
    expect(current?.userAgent).toBe("device-2");
    expect(current?.ip).toBe("127.0.0.1");
    for (const s of sessions)
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.parse(s.createdAt));
  });

  it("session.revoke ends another device at once, but not the caller", async () => {
    const { devices } = await threeDevices();
    const sessions = await devices[0].api.session.list.query();
    const victim = sessions.find((s) => s.userAgent === "device-3");
    expect(await devices[0].api.session.revoke.mutate({ sessionId: victim?.id ?? "" })).toEqual({
      ok: true,
    });
    expect(await authCodeOf(devices[2].api.user.me.query())).toBe("SESSION_REVOKED");
    expect((await devices[0].api.session.list.query()).map((s) => s.userAgent)).not.toContain(
      "device-3",
    );
    await expect(devices[1].api.user.me.query()).resolves.toBeDefined();

    // Again (a double click, another tab): done, and recorded once.
    expect(await devices[0].api.session.revoke.mutate({ sessionId: victim?.id ?? "" })).toEqual({
      ok: true,
    });
    const events = await devices[0].api.audit.list.query();
    expect(events.filter((e) => e.type === "session_revoked")).toHaveLength(1);
  });

  it("session.revoke of another user's session or an unknown id answers SESSION_NOT_FOUND alike", async () => {
    const { server, devices } = await threeDevices();
    const stranger = await signedUp(server);
    const strangerSession = (await stranger.client.api.session.list.query())[0]?.id ?? "";
    expect(
      await authCodeOf(devices[0].api.session.revoke.mutate({ sessionId: strangerSession })),
    ).toBe("SESSION_NOT_FOUND");
    expect(
      await authCodeOf(devices[0].api.session.revoke.mutate({ sessionId: "no-such-session" })),
    ).toBe("SESSION_NOT_FOUND");
    await expect(stranger.client.api.user.me.query()).resolves.toBeDefined();
    // Even once the stranger's session has ended, its id is nobody else's to learn about.
    await stranger.client.api.auth.logout.mutate();
    expect(
      await authCodeOf(devices[0].api.session.revoke.mutate({ sessionId: strangerSession })),
    ).toBe("SESSION_NOT_FOUND");
  });

  it("auth.logoutAll ends every session of the user and counts them", async () => {
    const { devices } = await threeDevices();
    expect(await devices[0].api.auth.logoutAll.mutate()).toEqual({ revoked: 3 });
    for (const device of devices)
      expect(await authCodeOf(device.api.user.me.query())).toBe("SESSION_REVOKED");
  });

  it("auth.logout by refresh token: a token that is not ours is REFRESH_INVALID and ends nothing; an ended session's is ok", async () => {
    const server = await startTestServer();
    const { client, refreshToken, result } = await signedUp(server);
    const anonymous = server.client().api;
    for (const notOurs of ["garbage", result.accessToken, `${refreshToken.slice(0, -4)}AAAA`]) {
      expect(await authCodeOf(anonymous.auth.logout.mutate({ refreshToken: notOurs }))).toBe(
        "REFRESH_INVALID",
      );
    }
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    expect(await anonymous.auth.logout.mutate({ refreshToken })).toEqual({ ok: true });
    expect(await authCodeOf(client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await anonymous.auth.logout.mutate({ refreshToken })).toEqual({ ok: true });
  });

  it("auth.logout ends only the caller's session and is idempotent", async () => {
    const { devices } = await threeDevices();
    await devices[0].api.auth.logout.mutate();
    expect(await devices[0].api.auth.logout.mutate()).toEqual({ ok: true });
    await expect(devices[1].api.user.me.query()).resolves.toBeDefined();
  });

  it("user.changePassword revokes the other sessions; the old password stops working", async () => {
    const { server, devices } = await threeDevices();
    const me = await devices[0].api.user.me.query();
    const newPassword = "a much better passphrase";
    expect(
      await authCodeOf(
        devices[0].api.user.changePassword.mutate({ currentPassword: "wrong one!", newPassword }),
      ),
    ).toBe("INVALID_CREDENTIALS");
    await devices[0].api.user.changePassword.mutate({ currentPassword: PASSWORD, newPassword });
    await expect(devices[0].api.user.me.query()).resolves.toBeDefined();
    expect(await authCodeOf(devices[1].api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await authCodeOf(devices[2].api.user.me.query())).toBe("SESSION_REVOKED");
    const api = server.client().api;
    expect(await authCodeOf(api.auth.login.mutate({ email: me.email, password: PASSWORD }))).toBe(
      "INVALID_CREDENTIALS",
    );
    await expect(
      api.auth.login.mutate({ email: me.email, password: newPassword }),
    ).resolves.toBeDefined();
  });

  it("user.changePassword refuses a weak new password and changes nothing", async () => {
    const { devices } = await threeDevices();
    expect(
      await authCodeOf(
        devices[0].api.user.changePassword.mutate({
          currentPassword: PASSWORD,
          newPassword: "password1",
        }),
      ),
    ).toBe("WEAK_PASSWORD");
    await expect(devices[1].api.user.me.query()).resolves.toBeDefined();
  });
});
