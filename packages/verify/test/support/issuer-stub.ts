import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { afterEach } from "vitest";
import type { PollRequest } from "../../src/rules.ts";

/**
 * A token issuer over real HTTP, built on jose alone (this package must not
 * depend on Sesame's core): discovery, a JWK Set, and an RFC 8936 poll
 * endpoint whose SETs tests push. Every request is counted by path, so tests
 * see exactly what a verifier fetches.
 */
export interface StubKey {
  kid: string;
  alg: "EdDSA" | "ES256" | "RS256";
  privateKey: CryptoKey;
  publicJwk: JWK & { kid: string; alg: string; use: "sig" };
}

export interface PollCall {
  body: PollRequest;
  headers: IncomingHttpHeaders;
}

export interface IssuerStub {
  issuer: string;
  jwksUri: string;
  pollUri: string;
  /** Published in the JWK Set, in this order. */
  published: StubKey[];
  /** Signs access tokens and SETs. */
  signer: StubKey;
  requests: Map<string, number>;
  /** Overrides what a path answers (status, headers, body). */
  answer: Map<string, { status: number; headers?: Record<string, string>; body: string }>;
  cacheControl: string;
  /** Extra members of the discovery document. */
  metadata: Record<string, unknown>;
  total(): number;
  accessToken(overrides?: {
    iatOffset?: number;
    ttl?: number;
    key?: StubKey;
    sid?: string;
    /** Claims beside the required ones; `{ role: "user" }` unless given. */
    extraClaims?: Record<string, unknown>;
  }): Promise<string>;
  refreshToken(): Promise<string>;
  /** The feed: what polls sent, and the SETs waiting for the next (held) poll. */
  feed: {
    secret: string;
    calls: PollCall[];
    pending: Map<string, string>;
    /** How long a long poll is held with nothing to deliver. */
    holdMs: number;
    push(jti: string, set: string): void;
  };
  sessionRevokedSet(options: {
    sid: string;
    jti: string;
    aud?: string;
    revokedAtMs?: number;
    tokensExpireByMs?: number;
    /** Replaces or adds claims. */
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    key?: StubKey;
  }): Promise<string>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

export const AUDIENCE = "sesame";
export const RECEIVER_ID = "notes";
export const RECEIVER_SECRET = "receiver-secret-receiver-secret-0123456789";
export const SESSION_REVOKED =
  "https://schemas.openid.net/secevent/caep/event-type/session-revoked";

export async function stubKey(alg: StubKey["alg"] = "EdDSA"): Promise<StubKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return { kid, alg, privateKey, publicJwk: { ...jwk, kid, alg, use: "sig" } };
}

export async function startIssuerStub(nowMs: () => number): Promise<IssuerStub> {
  const first = await stubKey("EdDSA");
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    stub.requests.set(path, (stub.requests.get(path) ?? 0) + 1);
    const override = stub.answer.get(path);
    if (override) {
      response.writeHead(override.status, override.headers).end(override.body);
    } else if (path === "/.well-known/openid-configuration") {
      response.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          issuer: stub.issuer,
          jwks_uri: stub.jwksUri,
          security_event_poll_endpoint: stub.pollUri,
          ...stub.metadata,
        }),
      );
    } else if (path === "/.well-known/jwks.json") {
      response
        .writeHead(200, { "content-type": "application/json", "cache-control": stub.cacheControl })
        .end(JSON.stringify({ keys: stub.published.map((key) => key.publicJwk) }));
    } else if (path === "/events/poll" && request.method === "POST") {
      void answerPoll(request.headers, readBody(request), response);
    } else {
      response.writeHead(404).end();
    }
  });

  async function answerPoll(
    headers: IncomingHttpHeaders,
    bodyText: Promise<string>,
    response: ServerResponse,
  ) {
    const body = JSON.parse(await bodyText) as PollRequest;
    stub.feed.calls.push({ body, headers });
    if (headers.authorization !== `Bearer ${stub.feed.secret}`) {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ err: "authentication_failed" }));
      return;
    }
    for (const jti of [...(body.ack ?? []), ...Object.keys(body.setErrs ?? {})]) {
      stub.feed.pending.delete(jti);
    }
    if (stub.feed.pending.size === 0 && body.returnImmediately !== true) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, stub.feed.holdMs);
        waiters.add(done);
        response.once("close", done);
      });
    }
    if (response.destroyed) return;
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ sets: Object.fromEntries(stub.feed.pending) }));
  }

  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (header: Record<string, unknown>, claims: JWTPayload, key: StubKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header } as never)
      .sign(key.privateKey);

  const stub: IssuerStub = {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    pollUri: `${issuer}/events/poll`,
    published: [first],
    signer: first,
    requests: new Map(),
    answer: new Map(),
    cacheControl: "public, max-age=300",
    metadata: {},
    total: () => [...stub.requests.values()].reduce((a, b) => a + b, 0),
    accessToken: ({
      iatOffset = 0,
      ttl = 600,
      key = stub.signer,
      sid = "session-1",
      extraClaims = { role: "user" },
    } = {}) => {
      const iat = Math.floor(nowMs() / 1000) + iatOffset;
      return sign(
        { typ: "at+jwt" },
        {
          sid,
          ...extraClaims,
          iss: issuer,
          aud: AUDIENCE,
          sub: "user-1",
          jti: `jti-${iat}-${Math.random()}`,
          iat,
          exp: iat + ttl,
        },
        key,
      );
    },
    refreshToken: () => {
      const iat = Math.floor(nowMs() / 1000);
      return sign(
        { typ: "rt+jwt" },
        {
          iss: issuer,
          aud: `${AUDIENCE}:refresh`,
          sub: "user-1",
          sid: "session-1",
          jti: "rt",
          iat,
          exp: iat + 3600,
        },
        stub.signer,
      );
    },
    feed: {
      secret: RECEIVER_SECRET,
      calls: [],
      pending: new Map(),
      holdMs: 2_000,
      push(jti, set) {
        stub.feed.pending.set(jti, set);
        for (const wake of [...waiters]) wake();
      },
    },
    sessionRevokedSet: ({
      sid,
      jti,
      aud = RECEIVER_ID,
      revokedAtMs = nowMs(),
      tokensExpireByMs = revokedAtMs + 630_000,
      claims = {},
      header = {},
      key = stub.signer,
    }) => {
      const toe = Math.floor(revokedAtMs / 1000);
      return sign(
        { typ: "secevent+jwt", ...header },
        {
          iss: issuer,
          aud,
          jti,
          iat: Math.floor(nowMs() / 1000),
          toe,
          sub_id: { format: "opaque", id: sid },
          events: {
            [SESSION_REVOKED]: {
              event_timestamp: toe,
              sesame_tokens_expire_by: Math.floor(tokensExpireByMs / 1000),
            },
          },
          ...claims,
        },
        key,
      );
    },
  };
  return stub;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk) => {
      text += chunk;
    });
    request.on("end", () => resolve(text));
  });
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(private current = Date.UTC(2026, 2, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
