import { describe, expect, it } from "vitest";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

describe("auth.refresh over HTTP", () => {
  it("an expired access token answers 401 TOKEN_EXPIRED, and a refresh recovers", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    server.clock.advance((600 + 31) * 1000);
    const response = await fetch(`${server.url}/trpc/user.me`, {
      headers: { authorization: `Bearer ${client.accessToken}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await authCodeOf(client.api.user.me.query())).toBe("TOKEN_EXPIRED");

    const fresh = await client.api.auth.refresh.mutate({ refreshToken });
    client.accessToken = fresh.accessToken;
    expect((await client.api.user.me.query()).id).toBe(fresh.user.id);
  });

  it("reuse after the grace window revokes the session and its current token", async () => {
    const server = await startTestServer();
    const { client, refreshToken: rt0 } = await signedUp(server);
    const rt1 = (await client.api.auth.refresh.mutate({ refreshToken: rt0 }))
      .refreshToken as string;
    server.clock.advance(11_000);
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: rt0 }))).toBe(
      "REFRESH_REUSED",
    );
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: rt1 }))).toBe(
      "SESSION_REVOKED",
    );
    expect(await authCodeOf(client.api.user.me.query())).toBe("SESSION_REVOKED");
  });

  it("10 parallel refreshes of one token all answer 200 with one successor; the session stays usable", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.api.auth.refresh.mutate({ refreshToken })),
    );
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    client.accessToken = results[9]?.accessToken;
    expect((await client.api.user.me.query()).id).toBe(results[0]?.user.id);
    const next = await client.api.auth.refresh.mutate({ refreshToken: [...successors][0] });
    expect(next.refreshToken).not.toBe([...successors][0]);
  });

  it("10 parallel cookie refreshes (tabs of one browser) share one successor cookie", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    const login = await fetch(`${server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const refreshWithCookie = () =>
      fetch(`${server.url}/trpc/auth.refresh`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: "{}",
      });
    const responses = await Promise.all(Array.from({ length: 10 }, refreshWithCookie));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const successors = new Set(responses.map((r) => r.headers.getSetCookie()[0]?.split(";")[0]));
    expect(successors.size).toBe(1);
    const [successor = ""] = successors;
    expect(successor).not.toBe(cookie);

    const browser = server.client();
    browser.jar.set(
      successor.slice(0, successor.indexOf("=")),
      successor.slice(successor.indexOf("=") + 1),
    );
    const next = await browser.api.auth.refresh.mutate();
    browser.accessToken = next.accessToken;
    expect((await browser.api.user.me.query()).email).toBe(email);
  });

  it("a lost answer: the same token again within 10 s gets the same successor, and the chain goes on from it", async () => {
    const server = await startTestServer();
    const { client, refreshToken: rt0 } = await signedUp(server);
    const first = await client.api.auth.refresh.mutate({ refreshToken: rt0 });
    server.clock.advance(9_000);
    const retried = await client.api.auth.refresh.mutate({ refreshToken: rt0 });
    expect(retried.refreshToken).toBe(first.refreshToken);
    expect(retried.accessToken).not.toBe(first.accessToken);
    const rt2 = await client.api.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(rt2.refreshToken).not.toBe(first.refreshToken);
  });

  it("within the window only the immediate parent is forgiven: a grandparent is reuse and revokes the session", async () => {
    const server = await startTestServer();
    const { client, refreshToken: rt0 } = await signedUp(server);
    const rt1 = (await client.api.auth.refresh.mutate({ refreshToken: rt0 })).refreshToken;
    const rt2 = (await client.api.auth.refresh.mutate({ refreshToken: rt1 })).refreshToken;
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: rt0 }))).toBe(
      "REFRESH_REUSED",
    );
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: rt2 }))).toBe(
      "SESSION_REVOKED",
    );
  });

  it("a session left unused for its idle time (7 days) has ended", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    server.clock.advance(7 * 24 * 3600 * 1000 - 60_000);
    const kept = await client.api.auth.refresh.mutate({ refreshToken });
    server.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    expect(
      await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: kept.refreshToken })),
    ).toBe("SESSION_EXPIRED");
  });

  it("rotation never extends a session past its absolute limit (30 days)", async () => {
    const server = await startTestServer();
    const { client, refreshToken: first, result } = await signedUp(server);
    const limit = result.refreshTokenExpiresAt + 23 * 24 * 3600; // idle-capped at sign-up, 30 days from it in all
    let refreshToken = first;
    let expiresAt = 0;
    for (let day = 0; day < 29; day++) {
      server.clock.advance(24 * 3600 * 1000);
      const rotated = await client.api.auth.refresh.mutate({ refreshToken });
      refreshToken = rotated.refreshToken as string;
      expiresAt = rotated.refreshTokenExpiresAt;
      expect(expiresAt).toBeLessThanOrEqual(limit);
    }
    expect(expiresAt).toBe(limit);
    server.clock.advance(24 * 3600 * 1000 + 1000);
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken }))).toBe(
      "SESSION_EXPIRED",
    );
  });

  it("tokens never cross: an access token is not a refresh token, a refresh token is not a Bearer token", async () => {
    const server = await startTestServer();
    const { client, refreshToken, result } = await signedUp(server);
    expect(
      await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: result.accessToken })),
    ).toBe("REFRESH_INVALID");
    const withRefreshAsBearer = server.client({ accessToken: refreshToken });
    expect(await authCodeOf(withRefreshAsBearer.api.user.me.query())).toBe("TOKEN_INVALID");
    // Nothing changed: the original refresh token still rotates normally.
    const next = await client.api.auth.refresh.mutate({ refreshToken });
    expect(next.refreshToken).not.toBe(refreshToken);
  });

  it("without any token, refresh answers TOKEN_MISSING", async () => {
    const server = await startTestServer();
    expect(await authCodeOf(server.client().api.auth.refresh.mutate())).toBe("TOKEN_MISSING");
  });
});
