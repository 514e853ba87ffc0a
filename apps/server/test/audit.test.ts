import { describe, expect, it } from "vitest";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

describe("the audit log", () => {
  it("records each security event with session, IP, user agent and time; users read only their own", async () => {
    const server = await startTestServer();
    const { client, email, refreshToken } = await signedUp(server);
    const api = server.client({ headers: { "user-agent": "audit-test" } }).api;
    await authCodeOf(api.auth.login.mutate({ email, password: "wrong password" }));
    const second = await api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
    const rotated = await client.api.auth.refresh.mutate({ refreshToken });
    client.accessToken = rotated.accessToken;
    const sessions = await client.api.session.list.query();
    const other = sessions.find((s) => !s.current);
    await client.api.session.revoke.mutate({ sessionId: other?.id ?? "" });
    await client.api.user.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: "a new passphrase here",
    });
    server.clock.advance(11_000);
    await authCodeOf(client.api.auth.refresh.mutate({ refreshToken }));

    const stranger = await signedUp(server);
    const strangerEvents = await stranger.client.api.audit.list.query();
    // A sign-up, and its verification link issued and mailed.
    expect(strangerEvents.map((e) => e.type)).toEqual([
      "email_sent",
      "email_verification_requested",
      "register",
    ]);

    const fresh = await server
      .client()
      .api.auth.login.mutate({ email, password: "a new passphrase here", transport: "body" });
    const events = await server.client({ accessToken: fresh.accessToken }).api.audit.list.query();
    const types = events.map((e) => e.type);
    for (const type of [
      "register",
      "login_failed",
      "login_succeeded",
      "refresh",
      "session_revoked",
      "password_changed",
      "refresh_reuse_detected",
    ]) {
      expect(types, type).toContain(type);
    }
    const failed = events.find((e) => e.type === "login_failed");
    expect(failed).toMatchObject({ ip: "127.0.0.1", userAgent: "audit-test", count: 1 });
    // A single event: its first occurrence is its only one.
    expect(failed?.firstAt).toBe(failed?.at);
    expect(Date.parse(failed?.at ?? "")).toBeGreaterThan(0);
    expect(
      events.find((e) => e.type === "login_succeeded" && e.userAgent === "audit-test")?.sessionId,
    ).toBeTruthy();
    expect(second.user.email).toBe(email);
    // Events that say nothing beyond their type carry no detail on the wire:
    // a client that knows only the earlier fields sees what it always saw.
    const wire = await fetch(`${server.url}/trpc/audit.list`, {
      headers: { authorization: `Bearer ${fresh.accessToken}` },
    });
    const page = ((await wire.json()) as { result: { data: Record<string, unknown>[] } }).result
      .data;
    expect(page.length).toBe(events.length);
    for (const event of page) {
      expect(Object.keys(event).sort(), String(event.type)).toEqual([
        "at",
        "count",
        "firstAt",
        "id",
        "ip",
        "sessionId",
        "type",
        "userAgent",
      ]);
    }
  });

  it("records logout and logout everywhere", async () => {
    const server = await startTestServer();
    const { client, email } = await signedUp(server);
    const other = await signedUp(server, `other.${email}`);
    const signIn = async () => {
      const issued = await server
        .client()
        .api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
      return server.client({ accessToken: issued.accessToken }).api;
    };

    await (await signIn()).auth.logout.mutate();
    await client.api.auth.logoutAll.mutate();

    const types = (await (await signIn()).audit.list.query()).map((e) => e.type);
    expect(types).toContain("logout");
    expect(types).toContain("logout_all");
    const othersTypes = (await other.client.api.audit.list.query()).map((e) => e.type);
    expect(othersTypes).toEqual(["email_sent", "email_verification_requested", "register"]);
  });

  it("folds a session's refreshes into one counted row an hour, each session its own", async () => {
    const server = await startTestServer();
    const { client, email, refreshToken } = await signedUp(server);
    const phone = await server
      .client()
      .api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
    const startedAt = server.clock.now();
    let token = refreshToken;
    for (let i = 1; i <= 3; i++) {
      server.clock.advance(60_000);
      token = (await client.api.auth.refresh.mutate({ refreshToken: token })).refreshToken ?? "";
    }
    await server.client().api.auth.refresh.mutate({ refreshToken: phone.refreshToken ?? "" });
    server.clock.advance(60 * 60 * 1000);
    const next = await client.api.auth.refresh.mutate({ refreshToken: token });
    client.accessToken = next.accessToken;

    const mine = (await client.api.session.list.query()).find((s) => s.current)?.id;
    const refreshes = (await client.api.audit.list.query()).filter((e) => e.type === "refresh");
    expect(refreshes.map((e) => [e.sessionId === mine ? "laptop" : "phone", e.count])).toEqual([
      ["laptop", 1], // an hour after the first: a new row
      ["phone", 1],
      ["laptop", 3],
    ]);
    expect(refreshes[2]).toMatchObject({
      firstAt: new Date(startedAt + 60_000).toISOString(),
      at: new Date(startedAt + 180_000).toISOString(),
    });
  });
});
