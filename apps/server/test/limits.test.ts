import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { CountingHasher } from "./support/counting-hasher.ts";
import {
  PASSWORD,
  rowCount,
  signedUp,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "./support/test-server.ts";

/** A raw HTTP/1.1 request: fetch itself refuses some of what an attacker would send. */
function rawRequest(
  server: TestServer,
  options: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
) {
  const url = new URL(server.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

async function post(
  server: TestServer,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await response.text();
  let json: { error?: { data?: { authCode?: string } } } = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, text, authCode: json.error?.data?.authCode };
}

describe("bad input gets a typed 4xx and changes nothing", () => {
  it("malformed JSON, wrong shapes, unknown procedures: 4xx with INVALID_INPUT, no stack, no rows", async () => {
    const server = await startTestServer();
    const cases: Array<[string, string, number]> = [
      ["auth.register", "{not json", 400],
      ["auth.register", JSON.stringify({ email: "not-an-email", password: PASSWORD }), 400],
      ["auth.register", JSON.stringify({ email: uniqueEmail() }), 400],
      ["auth.register", JSON.stringify({ email: 42, password: [] }), 400],
      [
        "auth.register",
        JSON.stringify({ email: uniqueEmail(), password: PASSWORD, transport: "carrier-pigeon" }),
        400,
      ],
      ["auth.register", "null", 400],
      ["auth.login", JSON.stringify({ email: uniqueEmail(), password: "x".repeat(5000) }), 400],
      ["auth.nope", "{}", 404],
    ];
    for (const [path, body, status] of cases) {
      const result = await post(server, path, body);
      expect(result.status, `${path} ${body.slice(0, 40)}`).toBe(status);
      expect(result.authCode).toBe("INVALID_INPUT");
      expect(result.text).not.toMatch(/stack|at \w+ \(|node_modules|Unexpected token/);
    }
    expect(await rowCount(server, "users")).toBe(0);
    expect(await rowCount(server, "sessions")).toBe(0);
    const malformed = await post(server, "auth.register", "{not json");
    expect(JSON.parse(malformed.text).error.message).toBe("The input is not valid JSON.");
  });

  it("a malformed %-escape in the path of a refused request is still a typed 4xx, not a 500", async () => {
    const server = await startTestServer();
    const notJson = await rawRequest(server, {
      method: "POST",
      path: "/trpc/user%ZZme",
      headers: { "content-type": "text/plain" },
      body: Buffer.from("{}"),
    });
    expect(notJson.status).toBe(415);
    expect(JSON.parse(notJson.body).error.data).toMatchObject({
      authCode: "INVALID_INPUT",
      path: "user%ZZme",
    });
    const tooLarge = await rawRequest(server, {
      method: "POST",
      path: "/trpc/auth.login%",
      headers: { "content-type": "application/json", "content-length": "999999" },
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.data.authCode).toBe("INVALID_INPUT");
  });

  it("a batch of more than 16 calls is refused as one bad request", async () => {
    const server = await startTestServer();
    const paths = Array(17).fill("user.me").join(",");
    const response = await fetch(`${server.url}/trpc/${paths}?batch=1&input={}`);
    expect(response.status).toBe(400);
    const ok = await fetch(
      `${server.url}/trpc/${Array(2).fill("user.me").join(",")}?batch=1&input={}`,
    );
    expect(ok.status).toBe(401);
  });

  it("input errors name the field for forms", async () => {
    const server = await startTestServer();
    const result = await post(
      server,
      "auth.register",
      JSON.stringify({ email: "nope", password: PASSWORD }),
    );
    expect(JSON.parse(result.text).error.data.issues).toEqual([
      { path: "email", message: "Enter a valid email address." },
    ]);
  });

  it("a display name with control or direction characters, broken UTF-16 or nothing visible is refused; others are kept in NFC", async () => {
    const server = await startTestServer();
    // Raw JSON text, so the lone surrogate travels as the escape a client would send.
    for (const name of ["\\u0000bad", "\\u202eevil", "\\u200b", "x\\ud800y", "\\u2066a\\u2069"]) {
      const result = await post(
        server,
        "auth.register",
        `{"email":"${uniqueEmail()}","password":"${PASSWORD}","name":"${name}"}`,
      );
      expect(result.status, name).toBe(400);
      expect(JSON.parse(result.text).error.data.issues[0].path, name).toBe("name");
    }
    expect(await rowCount(server, "users")).toBe(0);
    const kept = await server.client().api.auth.register.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
      name: "  Zoe\u0308 李雷 😀  ",
      transport: "body",
    });
    expect(kept.user.name).toBe("Zo\u00eb 李雷 😀");
  });

  it("a weak password is WEAK_PASSWORD with a reason, and creates no account", async () => {
    const server = await startTestServer();
    for (const password of ["short", "password123", "x".repeat(1025)]) {
      const result = await post(
        server,
        "auth.register",
        JSON.stringify({ email: uniqueEmail(), password }),
      );
      expect(result.status).toBe(400);
      expect(result.authCode).toBe("WEAK_PASSWORD");
      expect(JSON.parse(result.text).error.data.reason).toBeTypeOf("string");
    }
    expect(await rowCount(server, "users")).toBe(0);
    const ok = await post(
      server,
      "auth.register",
      JSON.stringify({ email: uniqueEmail(), password: "y".repeat(32) + "z".repeat(32) }),
    );
    expect(ok.status).toBe(200);
  });

  it("an over-long password at login is refused before any hashing", async () => {
    const hasher = new CountingHasher();
    const server = await startTestServer({}, "test", { hasher });
    const { email } = await signedUp(server);
    const before = { ...hasher.calls };
    const result = await post(
      server,
      "auth.login",
      JSON.stringify({ email, password: "z".repeat(2000) }),
    );
    expect(result.authCode).toBe("INVALID_CREDENTIALS");
    expect(hasher.calls).toEqual(before);
  });
});

describe("size limits before any parsing or crypto (SECURITY 15)", () => {
  it("a 64 KB Authorization header → 431, and the server stays fast", async () => {
    const server = await startTestServer();
    const result = await rawRequest(server, {
      method: "GET",
      path: "/trpc/user.me",
      headers: { authorization: `Bearer ${"a".repeat(64 * 1024)}` },
    });
    expect(result.status).toBe(431);
    const started = performance.now();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("a 10 MB body → 413 without reading it, and other requests stay fast", async () => {
    const server = await startTestServer();
    const big = Buffer.alloc(10 * 1024 * 1024, "a");
    const started = performance.now();
    const result = await rawRequest(server, {
      method: "POST",
      path: "/trpc/auth.login",
      headers: { "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error.data.authCode).toBe("INVALID_INPUT");
    expect(performance.now() - started).toBeLessThan(2000);
    const healthStarted = performance.now();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(performance.now() - healthStarted).toBeLessThan(200);
  });

  it("a large chunked body without Content-Length → 413 as well", async () => {
    const server = await startTestServer();
    const result = await rawRequest(server, {
      method: "POST",
      path: "/trpc/auth.login",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      body: Buffer.alloc(1024 * 1024, "a"),
    });
    expect(result.status).toBe(413);
  });
});

describe("the standard security headers", () => {
  it("are on every response: API, health, errors and 404s", async () => {
    const server = await startTestServer();
    for (const path of ["/healthz", "/trpc/user.me", "/nope", "/.well-known/jwks.json"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("strict-transport-security"), path).toContain("max-age=");
      expect(response.headers.get("content-security-policy"), path).toContain(
        "frame-ancestors 'none'",
      );
    }
  });

  it("token responses are never cacheable", async () => {
    const server = await startTestServer();
    const result = await fetch(`${server.url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD, transport: "body" }),
    });
    expect(result.headers.get("cache-control")).toBe("no-store");
  });
});
