import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PasswordHasher } from "@sesame/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

/** The hardening headers (security-headers.ts) every response must carry, whoever produced it. */
const EXPECTED: Record<string, string> = {
  // OWASP: the legacy XSS auditor is itself exploitable; 0 turns it off in the browsers that still have one.
  "x-xss-protection": "0",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Fails the hash of one password, to get a real internal error out of a procedure. */
const FAILING_PASSWORD = "this password makes the hasher fail";
class FailingHasher extends PasswordHasher {
  override hash(password: string): Promise<string> {
    if (password === FAILING_PASSWORD) return Promise.reject(new Error("hasher broke"));
    return super.hash(password);
  }
}

let server: TestServer;
let accessToken: string;
let webDist: string;

beforeAll(async () => {
  webDist = mkdtempSync(join(tmpdir(), "sesame-web-"));
  mkdirSync(join(webDist, "assets"));
  writeFileSync(join(webDist, "index.html"), "<!doctype html><title>Sesame</title>");
  writeFileSync(join(webDist, "assets", "app-abc123.js"), "console.log(1);");
  server = await startTestServer({ WEB_DIST: webDist }, "file", { hasher: new FailingHasher() });
  ({ accessToken } = (await signedUp(server)).result);
});
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

const KINDS: Array<[string, number, () => Promise<Response>]> = [
  [
    "a tRPC query that succeeds",
    200,
    () =>
      fetch(`${server.url}/trpc/user.me`, { headers: { authorization: `Bearer ${accessToken}` } }),
  ],
  [
    "a tRPC mutation that fails (wrong credentials)",
    401,
    () => post("/trpc/auth.login", JSON.stringify({ email: "x@example.com", password: PASSWORD })),
  ],
  [
    "a tRPC internal error",
    500,
    () =>
      post(
        "/trpc/auth.register",
        JSON.stringify({ email: "broken@example.com", password: FAILING_PASSWORD }),
      ),
  ],
  ["GET /healthz", 200, () => fetch(`${server.url}/healthz`)],
  ["GET /.well-known/jwks.json", 200, () => fetch(`${server.url}/.well-known/jwks.json`)],
  [
    "GET /.well-known/openid-configuration",
    200,
    () => fetch(`${server.url}/.well-known/openid-configuration`),
  ],
  ["an unknown procedure (tRPC's 404)", 404, () => fetch(`${server.url}/trpc/nope.nothing`)],
  ["an unknown API path (404)", 404, () => fetch(`${server.url}/trpc-nope/x`, { method: "POST" })],
  [
    "the HTTP layer's refusal of an oversized body (413)",
    413,
    () => post("/trpc/auth.login", JSON.stringify({ email: "x".repeat(100 * 1024) })),
  ],
  [
    "the HTTP layer's refusal of a non-JSON body (415)",
    415,
    () => post("/trpc/auth.login", "email=x", { "content-type": "text/plain" }),
  ],
  [
    "a CORS preflight",
    204,
    () =>
      fetch(`${server.url}/trpc/auth.login`, {
        method: "OPTIONS",
        headers: { origin: "https://other.example", "access-control-request-method": "POST" },
      }),
  ],
  ["the web app's index.html", 200, () => fetch(`${server.url}/`)],
  ["a web app asset", 200, () => fetch(`${server.url}/assets/app-abc123.js`)],
  ["a client-side route of the web app", 200, () => fetch(`${server.url}/settings/devices`)],
];

describe("security headers on every kind of response", () => {
  it.each(KINDS)("%s", async (_kind, status, request) => {
    const response = await request();
    await response.arrayBuffer();
    expect(response.status).toBe(status);
    const headers = Object.fromEntries(
      Object.keys(EXPECTED).map((h) => [h, response.headers.get(h)]),
    );
    expect(headers).toEqual(EXPECTED);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-powered-by")).toBeNull();
  });
});
