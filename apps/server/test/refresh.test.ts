import { describe, expect, it } from "vitest";
import { authCodeOf, signedUp, startTestServer } from "./support/test-server.ts";

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
    const browser = server.client();
    await browser.api.auth.login.mutate({ email, password: "correct horse battery staple" });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => browser.api.auth.refresh.mutate()),
    );
    expect(results).toHaveLength(10);
    browser.accessToken = results[0]?.accessToken;
    expect((await browser.api.user.me.query()).email).toBe(email);
    await browser.api.auth.refresh.mutate();
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
