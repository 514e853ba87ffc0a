import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { ManualClock } from "@sesame/auth";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSesame, type NodeListenerContextOptions, type Sesame } from "../src/index.ts";
import { edgeRouter } from "./support/edge-procedures.ts";
import { exchange, RAW_HOST, rawRequest } from "./support/raw-http.ts";

/**
 * The node listener's fast path must be invisible on the wire: every
 * request below goes to a server with it (`sesame.nodeListener`) and to one
 * without (`sesame.http()`'s app on @hono/node-server), one Sesame behind
 * both (one clock, one database), and the two answers must be the same
 * bytes — status line, every header in order, body. Each case also says
 * who must answer it on the listener, the fast path (`fast`) or the Hono
 * app (`app`), so a fast path that silently declined everything would fail.
 */

type Path = "fast" | "app";
type Flavour = "plain" | "superjson";

interface Case {
  name: string;
  path: Path;
  status: number;
  /** Built when sent: some carry what `beforeAll` made (a user's access token). */
  request: () => Buffer;
}

const dir = mkdtempSync(join(tmpdir(), "sesame-differential-"));
const clock = new ManualClock(Date.parse("2030-01-02T03:04:05Z"));
const internalErrors: string[] = [];
/** Whether the last context was built by the fast path (from its view of node's request). */
let builtByFastPath = false;
let sesame: Sesame;
let accessToken: string;
const servers: Server[] = [];

beforeAll(async () => {
  sesame = await createSesame({
    publicUrl: `http://${RAW_HOST}`,
    database: join(dir, "sesame.db"),
    allowedOrigins: ["https://app.example.com"],
    bodyLimitBytes: 1024,
    clock,
    log: () => {},
    onInternalError: (error, path) => internalErrors.push(`${path}: ${String(error)}`),
  });
  const issued = await sesame.auth.accounts.register(
    { email: "differential@example.com", password: "correct horse battery staple" },
    { ip: null, userAgent: "test" },
  );
  accessToken = issued.accessToken;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await sesame.close();
  rmSync(dir, { recursive: true, force: true });
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** The two servers of one router; the context notes which path built it. */
async function serversFor(flavour: Flavour) {
  const router = edgeRouter(flavour);
  const createContext = (opts: NodeListenerContextOptions) => {
    // The fetch adapter hands over a `Request`; the fast path, its view of node's request.
    builtByFastPath = !(opts.req instanceof Request);
    return sesame.createContext(opts);
  };
  const withFastPath = await listen(sesame.nodeListener({ router, createContext }));
  const honoOnly = await listen(getRequestListener(sesame.http({ router, createContext }).fetch));
  return { withFastPath, honoOnly };
}

function casesFor(flavour: Flavour): Case[] {
  // The standalone API has Sesame's routers at the root; the team's mounts them under `auth`.
  const sesamePath = (path: string) => (flavour === "plain" ? path : `auth.${path}`);
  const encode = (value: unknown) =>
    JSON.stringify(flavour === "plain" ? value : superjson.serialize(value));
  const query = (value: unknown) => `?input=${encodeURIComponent(encode(value))}`;
  const json: [string, string] = ["Content-Type", "application/json"];
  const bearer = (): [string, string] => ["Authorization", `Bearer ${accessToken}`];
  const get =
    (target: string, headers: Array<[string, string]> = []) =>
    () =>
      rawRequest("GET", target, headers);
  const post =
    (target: string, body: string, headers: Array<[string, string]> = [json]) =>
    () =>
      rawRequest("POST", target, headers, body);
  return [
    { name: "a query without input", path: "fast", status: 200, request: get("/trpc/edge.ping") },
    {
      name: "a query with input",
      path: "fast",
      status: 200,
      request: get(`/trpc/edge.echo${query({ text: "héllo", count: 2 })}`),
    },
    {
      name: "a query whose input fails validation",
      path: "fast",
      status: 400,
      request: get(`/trpc/edge.echo${query({ text: "" })}`),
    },
    {
      name: "a query whose input is not JSON",
      path: "fast",
      status: 400,
      request: get("/trpc/edge.echo?input=%7Bnope"),
    },
    {
      name: "a mutation",
      path: "fast",
      status: 200,
      request: post("/trpc/edge.save", encode({ text: "saved" })),
    },
    {
      name: "a mutation with a byte-order mark and a charset",
      path: "fast",
      status: 200,
      request: post("/trpc/edge.save", `\uFEFF${encode({ text: "bom" })}`, [
        ["Content-Type", "Application/JSON; charset=utf-8"],
      ]),
    },
    {
      name: "a mutation without a body",
      path: "fast",
      status: 400,
      request: post("/trpc/edge.save", ""),
    },
    {
      name: "a mutation whose body is not JSON",
      path: "fast",
      status: 400,
      request: post(`/trpc/${sesamePath("auth.login")}`, "{x"),
    },
    {
      name: "Sesame's login with invalid input",
      path: "fast",
      status: 400,
      request: post(`/trpc/${sesamePath("auth.login")}`, encode({ email: "not an email" })),
    },
    {
      name: "a protected query without a token (WWW-Authenticate)",
      path: "fast",
      status: 401,
      request: get(`/trpc/${sesamePath("user.me")}`),
    },
    {
      name: "a protected query with a bad token",
      path: "fast",
      status: 401,
      request: get(`/trpc/${sesamePath("user.me")}`, [["Authorization", "Bearer not.a.token"]]),
    },
    {
      name: "a protected query with a valid token",
      path: "fast",
      status: 200,
      request: () => get(`/trpc/${sesamePath("user.me")}`, [bearer()])(),
    },
    {
      name: "a rate-limited call (Retry-After)",
      path: "fast",
      status: 429,
      request: get("/trpc/edge.rateLimited"),
    },
    {
      name: "the database away (Retry-After: 1)",
      path: "fast",
      status: 503,
      request: post("/trpc/edge.unavailable", ""),
    },
    {
      name: "a procedure that sets cookies and headers",
      path: "fast",
      status: 200,
      request: post("/trpc/edge.setsCookies", ""),
    },
    {
      name: "an internal error",
      path: "fast",
      status: 500,
      request: get("/trpc/edge.internal"),
    },
    {
      name: "data only superjson can write",
      path: "fast",
      status: flavour === "plain" ? 500 : 200,
      request: get("/trpc/edge.bigint"),
    },
    {
      name: "data only a streaming link can carry",
      path: "fast",
      status: 415,
      request: get("/trpc/edge.streamy"),
    },
    {
      name: "what the context sees of the request",
      path: "fast",
      status: 200,
      request: () =>
        get("/trpc/edge.seen?x=1", [
          bearer(),
          ["Cookie", "a=1"],
          ["cookie", "b=2"],
          ["X-Multi", "one"],
          ["x-multi", "two"],
          ["X-Padded", "\t value \t"],
          ["X-Forwarded-For", "203.0.113.9"],
          ["User-Agent", "differential/1.0"],
          ["DPoP", "not-a-proof"],
        ])(),
    },
    {
      name: "an unknown procedure",
      path: "app",
      status: 404,
      request: get("/trpc/edge.nothing"),
    },
    {
      name: "a GET on a mutation",
      path: "app",
      status: 405,
      request: get("/trpc/edge.save"),
    },
    {
      name: "a POST on a query",
      path: "app",
      status: 405,
      request: post("/trpc/edge.ping", ""),
    },
    {
      name: "a subscription (server-sent events)",
      path: "app",
      status: 200,
      request: get("/trpc/edge.ticks"),
    },
    {
      name: "a batch",
      path: "app",
      status: 200,
      request: get(
        `/trpc/edge.ping,edge.echo?batch=1&input=${encodeURIComponent(
          JSON.stringify({ 1: JSON.parse(encode({ text: "batched" })) }),
        )}`,
      ),
    },
    {
      name: "a streamed batch",
      path: "app",
      status: 200,
      request: get("/trpc/edge.ping?batch=1", [["trpc-accept", "application/jsonl"]]),
    },
    {
      name: "a single call that asks for a stream",
      path: "app",
      status: 400,
      request: get("/trpc/edge.ping", [["Accept", "application/jsonl"]]),
    },
    {
      name: "a call from an allowed origin (CORS)",
      path: "app",
      status: 200,
      request: get("/trpc/edge.ping", [["Origin", "https://app.example.com"]]),
    },
    {
      name: "a call from a foreign origin",
      path: "app",
      status: 200,
      request: post("/trpc/edge.save", encode({ text: "x" }), [
        json,
        ["Origin", "https://evil.example"],
      ]),
    },
    {
      name: "a trailing slash",
      path: "app",
      status: 200,
      request: get("/trpc/edge.ping/"),
    },
    {
      name: "an escaped procedure name",
      path: "app",
      status: 200,
      request: get("/trpc/edge%2Eping"),
    },
    {
      name: "a host in capitals",
      path: "app",
      status: 200,
      request: () => withHost(get("/trpc/edge.ping")(), RAW_HOST.toUpperCase()),
    },
    {
      name: "a GET typed as a form",
      path: "app",
      status: 405,
      request: get("/trpc/edge.ping", [["Content-Type", "multipart/form-data; boundary=x"]]),
    },
    {
      name: "a chunked body",
      path: "app",
      status: 200,
      request: () =>
        rawRequest(
          "POST",
          "/trpc/edge.save",
          [json, ["Transfer-Encoding", "chunked"]],
          `${Buffer.byteLength(encode({ text: "chunked" })).toString(16)}\r\n${encode({ text: "chunked" })}\r\n0\r\n\r\n`,
        ),
    },
    {
      name: "an oversized body",
      path: "app",
      status: 413,
      request: post("/trpc/edge.save", encode({ text: "x".repeat(2000) })),
    },
    {
      name: "a body that is not JSON",
      path: "app",
      status: 415,
      request: post("/trpc/edge.save", "text=x", [["Content-Type", "text/plain"]]),
    },
    {
      name: "a form carrying the refresh cookie (CSRF)",
      path: "app",
      status: 403,
      request: post("/trpc/edge.save", "text=x", [
        ["Content-Type", "application/x-www-form-urlencoded"],
        ["Cookie", "sesame_refresh=abc"],
      ]),
    },
  ];
}

/** The same request naming another Host: the URL node-server builds from it is then not canonical. */
function withHost(request: Buffer, host: string): Buffer {
  return Buffer.from(
    request.toString("latin1").replace(`Host: ${RAW_HOST}`, `Host: ${host}`),
    "latin1",
  );
}

describe.each<Flavour>(["plain", "superjson"])(
  "the node listener's fast path, on the wire (%s router)",
  (flavour) => {
    let ports: Awaited<ReturnType<typeof serversFor>>;
    beforeAll(async () => {
      ports = await serversFor(flavour);
    });

    it.each(casesFor(flavour))("$name: the same bytes either way", async (testCase) => {
      const answer = async (port: number) => {
        builtByFastPath = false;
        internalErrors.length = 0;
        const response = await exchange(port, testCase.request());
        const servedBy: Path = builtByFastPath ? "fast" : "app";
        return { response, servedBy, internalErrors: [...internalErrors] };
      };
      const fast = await answer(ports.withFastPath);
      const hono = await answer(ports.honoOnly);

      expect(fast.response.status).toBe(testCase.status);
      expect(fast.response.head).toBe(hono.response.head);
      expect(fast.response.body.toString("latin1")).toBe(hono.response.body.toString("latin1"));
      expect(fast.internalErrors).toEqual(hono.internalErrors);
      expect(fast.servedBy).toBe(testCase.path);
      expect(hono.servedBy).toBe("app");
    });
  },
);
