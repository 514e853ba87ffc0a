import { describe, expect, it } from "vitest";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  uniqueEmail,
} from "./support/test-server.ts";

describe("the whole token lifecycle over HTTP", () => {
  it("register → me → refresh → me → logout, with the body transport", async () => {
    const server = await startTestServer();
    const { client, result, email } = await signedUp(server);
    expect(result.tokenType).toBe("Bearer");
    expect(result.user.email).toBe(email);
    expect(result.refreshToken).toBeTypeOf("string");
    expect(result.accessTokenExpiresAt - Math.floor(server.clock.now() / 1000)).toBe(600);

    expect((await client.api.user.me.query()).email).toBe(email);

    const refreshed = await client.api.auth.refresh.mutate({ refreshToken: result.refreshToken });
    expect(refreshed.refreshToken).toBeTypeOf("string");
    expect(refreshed.refreshToken).not.toBe(result.refreshToken);
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    client.accessToken = refreshed.accessToken;
    expect((await client.api.user.me.query()).email).toBe(email);

    expect(await client.api.auth.logout.mutate({})).toEqual({ ok: true });
    expect(await authCodeOf(client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(
      await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: refreshed.refreshToken })),
    ).toBe("SESSION_REVOKED");
  });

  it("login with the cookie transport keeps the refresh token out of JSON and in an httpOnly cookie", async () => {
    const server = await startTestServer();
    const email = uniqueEmail();
    await server
      .client()
      .api.auth.register.mutate({ email, password: PASSWORD, transport: "body" });

    const browser = server.client();
    const login = await browser.api.auth.login.mutate({ email, password: PASSWORD });
    expect(login).not.toHaveProperty("refreshToken");
    expect(JSON.stringify(login)).not.toContain(browser.jar.get("sesame_refresh"));
    expect(browser.jar.get("sesame_refresh")).toMatch(/^ey/);

    const cookieBefore = browser.jar.get("sesame_refresh");
    const refreshed = await browser.api.auth.refresh.mutate();
    expect(refreshed).not.toHaveProperty("refreshToken");
    expect(browser.jar.get("sesame_refresh")).not.toBe(cookieBefore);

    browser.accessToken = refreshed.accessToken;
    expect((await browser.api.user.me.query()).email).toBe(email);

    await browser.api.auth.logout.mutate();
    expect(browser.jar.has("sesame_refresh")).toBe(false);
    expect(await authCodeOf(browser.api.user.me.query())).toBe("SESSION_REVOKED");
  });

  it("logs in case-insensitively and refuses a wrong password or an unknown email alike", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    const api = server.client().api;
    const ok = await api.auth.login.mutate({
      email: email.toUpperCase(),
      password: PASSWORD,
      transport: "body",
    });
    expect(ok.user.email).toBe(email);
    expect(await authCodeOf(api.auth.login.mutate({ email, password: "wrong password!" }))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(
      await authCodeOf(api.auth.login.mutate({ email: uniqueEmail(), password: PASSWORD })),
    ).toBe("INVALID_CREDENTIALS");
  });

  it("refuses a second account for the same email, in any case", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    expect(
      await authCodeOf(
        server
          .client()
          .api.auth.register.mutate({ email: ` ${email.toUpperCase()}`, password: PASSWORD }),
      ),
    ).toBe("EMAIL_TAKEN");
  });

  it("answers a protected procedure without a token with TOKEN_MISSING", async () => {
    const server = await startTestServer();
    expect(await authCodeOf(server.client().api.user.me.query())).toBe("TOKEN_MISSING");
  });

  it("serves /healthz", async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
