import { describe, expect, it } from "vitest";
import { PASSWORD, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const ALLOWED = "https://app.example.com";

async function call(
  server: TestServer,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: init.body ?? "{}",
  });
  const text = await response.text();
  return {
    status: response.status,
    setCookie: response.headers.getSetCookie(),
    headers: response.headers,
    json: JSON.parse(text || "{}"),
  };
}

function attributes(setCookie: string) {
  const [pair = "", ...rest] = setCookie.split(";").map((part) => part.trim());
  const attrs = new Map(
    rest.map((a) => [a.split("=")[0]?.toLowerCase() ?? "", a.split("=")[1] ?? ""]),
  );
  return { name: pair.split("=")[0], value: pair.slice(pair.indexOf("=") + 1), attrs };
}

async function browserLogin(server: TestServer, headers: Record<string, string> = {}) {
  const { email } = await signedUp(server);
  const login = await call(server, "auth.login", {
    body: JSON.stringify({ email, password: PASSWORD }),
    headers,
  });
  const cookie = login.setCookie[0] ?? "";
  return { email, login, cookie, pair: cookie.split(";")[0] ?? "" };
}

describe("the refresh cookie (RFC 6265bis)", () => {
  it("is HttpOnly, Secure, SameSite=Strict, Path=/, without Domain, Max-Age within the session", async () => {
    const server = await startTestServer();
    const { login, cookie } = await browserLogin(server);
    expect(login.json.result.data.refreshToken).toBeUndefined();
    const { name, attrs } = attributes(cookie);
    expect(name).toBe("sesame_refresh");
    expect(attrs.has("httponly")).toBe(true);
    expect(attrs.has("secure")).toBe(true);
    expect(attrs.get("samesite")).toBe("Strict");
    expect(attrs.get("path")).toBe("/");
    expect(attrs.has("domain")).toBe(false);
    const maxAge = Number(attrs.get("max-age"));
    const remaining =
      login.json.result.data.refreshTokenExpiresAt - Math.floor(server.clock.now() / 1000);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(remaining);
  });

  it("takes the __Host- prefix when served over HTTPS", async () => {
    const server = await startTestServer({ PUBLIC_URL: "https://id.example.com" });
    const { cookie } = await browserLogin(server);
    expect(attributes(cookie).name).toBe("__Host-sesame_refresh");
  });

  it("logout clears it with Max-Age=0 and the same attributes, and revokes server-side", async () => {
    const server = await startTestServer();
    const { pair } = await browserLogin(server);
    const logout = await call(server, "auth.logout", { headers: { cookie: pair } });
    expect(logout.status).toBe(200);
    const { attrs, value } = attributes(logout.setCookie[0] ?? "");
    expect(value).toBe("");
    expect(attrs.get("max-age")).toBe("0");
    expect(attrs.has("httponly") && attrs.has("secure") && attrs.get("path") === "/").toBe(true);
    expect(attrs.get("samesite")).toBe("Strict");
    const refresh = await call(server, "auth.refresh", { headers: { cookie: pair } });
    expect(refresh.status).toBe(401);
    expect(refresh.json.error.data.authCode).toBe("SESSION_REVOKED");
  });

  it("a refresh token in the URL is never used (POST query) and GET refresh is refused", async () => {
    const server = await startTestServer();
    const { refreshToken } = await signedUp(server);
    const input = encodeURIComponent(JSON.stringify({ refreshToken }));
    const viaQuery = await fetch(`${server.url}/trpc/auth.refresh?input=${input}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "",
    });
    expect(viaQuery.status).toBe(401);
    expect((await viaQuery.json()).error.data.authCode).toBe("TOKEN_MISSING");
    const viaGet = await fetch(`${server.url}/trpc/auth.refresh?input=${input}`);
    expect(viaGet.status).toBe(405);
  });

  it("every login starts a new session; a cookie the client brings is never promoted", async () => {
    const server = await startTestServer();
    const { email, pair, login } = await browserLogin(server);
    const me = server.client({ accessToken: login.json.result.data.accessToken });
    const oldId = (await me.api.session.list.query()).find((s) => s.current)?.id;
    const again = await call(server, "auth.login", {
      body: JSON.stringify({ email, password: PASSWORD }),
      headers: { cookie: pair },
    });
    expect(again.setCookie[0]?.split(";")[0]).not.toBe(pair);
    const after = await server
      .client({ accessToken: again.json.result.data.accessToken })
      .api.session.list.query();
    expect(after.find((s) => s.current)?.id).not.toBe(oldId);
    // The session whose cookie was replaced ended with it; the body-transport signup lives on.
    expect(after.map((s) => s.id)).not.toContain(oldId);
    expect(after).toHaveLength(2);
    const stale = await call(server, "auth.refresh", { headers: { cookie: pair } });
    expect(stale.json.error.data.authCode).toBe("SESSION_REVOKED");
    const planted = await call(server, "auth.login", {
      body: JSON.stringify({ email, password: PASSWORD }),
      headers: { cookie: "sesame_refresh=attacker-chosen-value" },
    });
    expect(planted.status).toBe(200);
    expect(planted.setCookie[0]).not.toContain("attacker-chosen-value");
  });
});

describe("CSRF on cookie-authenticated mutations (OWASP)", () => {
  it("refuses a foreign Origin with 403 CSRF_REJECTED and accepts the configured one and our own", async () => {
    const server = await startTestServer({ ALLOWED_ORIGINS: ALLOWED });
    const { pair } = await browserLogin(server);
    const foreign = await call(server, "auth.refresh", {
      headers: { cookie: pair, origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.data.authCode).toBe("CSRF_REJECTED");
    const allowed = await call(server, "auth.refresh", {
      headers: { cookie: pair, origin: ALLOWED },
    });
    expect(allowed.status).toBe(200);
    const next = allowed.setCookie[0]?.split(";")[0] ?? "";
    const own = await call(server, "auth.refresh", {
      headers: { cookie: next, origin: server.url },
    });
    expect(own.status).toBe(200);
  });

  it("behind a TLS proxy, the public origin (PUBLIC_URL) is our own, though requests arrive as http:", async () => {
    const PUBLIC = "https://id.example.com";
    const server = await startTestServer({ PUBLIC_URL: PUBLIC });
    const { pair, login } = await browserLogin(server, { origin: PUBLIC });
    expect(login.status).toBe(200);
    expect(pair).toMatch(/^__Host-sesame_refresh=./);
    const refresh = await call(server, "auth.refresh", {
      headers: { cookie: pair, origin: PUBLIC },
    });
    expect(refresh.status).toBe(200);
    const next = refresh.setCookie[0]?.split(";")[0] ?? "";
    const foreign = await call(server, "auth.refresh", {
      headers: { cookie: next, origin: "https://evil.example" },
    });
    expect(foreign.json.error.data.authCode).toBe("CSRF_REJECTED");
  });

  it("without Origin, Sec-Fetch-Site: cross-site is refused", async () => {
    const server = await startTestServer();
    const { pair } = await browserLogin(server);
    const result = await call(server, "auth.refresh", {
      headers: { cookie: pair, "sec-fetch-site": "cross-site" },
    });
    expect(result.status).toBe(403);
    expect(result.json.error.data.authCode).toBe("CSRF_REJECTED");
  });

  it("login-CSRF: a cookie-transport login from a foreign origin is refused", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    const result = await call(server, "auth.login", {
      body: JSON.stringify({ email, password: PASSWORD }),
      headers: { origin: "https://evil.example" },
    });
    expect(result.status).toBe(403);
    expect(result.setCookie).toEqual([]);
  });

  it("a cross-site logout with the cookie does nothing", async () => {
    const server = await startTestServer();
    const { pair } = await browserLogin(server);
    const result = await call(server, "auth.logout", {
      headers: { cookie: pair, origin: "https://evil.example" },
    });
    expect(result.status).toBe(403);
    expect((await call(server, "auth.refresh", { headers: { cookie: pair } })).status).toBe(200);
  });

  it.each([
    [
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    ],
    ["text/plain", "{}"],
    ["application/x-www-form-urlencoded", "a=1"],
  ])(
    "refuses a %s body that carries the cookie (a cross-site form needs no preflight)",
    async (type, body) => {
      const server = await startTestServer();
      const { pair } = await browserLogin(server);
      const result = await call(server, "auth.refresh", {
        body,
        headers: { cookie: pair, "content-type": type },
      });
      expect(result.status).toBe(403);
      expect(result.json.error.data.authCode).toBe("CSRF_REJECTED");
      const withoutCookie = await call(server, "auth.refresh", {
        body,
        headers: { "content-type": type },
      });
      expect(withoutCookie.status).toBe(415);
      expect((await call(server, "auth.refresh", { headers: { cookie: pair } })).status).toBe(200);
    },
  );

  it("a forged form and a forged Origin get the same body, though different layers refuse them", async () => {
    const server = await startTestServer();
    const { pair } = await browserLogin(server);
    const byOrigin = await call(server, "auth.refresh", {
      headers: { cookie: pair, origin: "https://evil.example" },
    });
    const byForm = await call(server, "auth.refresh", {
      body: "a=1",
      headers: { cookie: pair, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(byOrigin.json.error.data).toMatchObject({
      authCode: "CSRF_REJECTED",
      path: "auth.refresh",
    });
    expect(byForm.json).toEqual(byOrigin.json);

    // A batch is answered as tRPC answers one: an error per call.
    const batch = await call(server, "auth.refresh,auth.logout?batch=1", {
      body: "a=1",
      headers: { cookie: pair, "content-type": "text/plain" },
    });
    expect(batch.json.map((e: { error: { data: { path: string } } }) => e.error.data.path)).toEqual(
      ["auth.refresh", "auth.logout"],
    );
    expect(batch.json[0]).toEqual(byOrigin.json);
  });
});

describe("CORS", () => {
  async function preflight(server: TestServer, origin: string) {
    return fetch(`${server.url}/trpc/auth.refresh`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
  }

  it("answers only configured origins, with credentials, never *", async () => {
    const server = await startTestServer({ ALLOWED_ORIGINS: ALLOWED });
    const allowed = await preflight(server, ALLOWED);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const foreign = await preflight(server, "https://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const actual = await fetch(`${server.url}/trpc/user.me`, {
      headers: { origin: "https://evil.example" },
    });
    expect(actual.headers.get("access-control-allow-origin")).toBeNull();
    for (const response of [allowed, foreign, actual]) {
      expect(response.headers.get("access-control-allow-origin")).not.toBe("*");
    }
  });
});
