import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { ACCESS_TOKEN, type KeyRing, REFRESH_TOKEN, signToken } from "../../src/index.ts";

/**
 * A minimal token issuer over real HTTP: the discovery document and the JWK Set
 * of a real `KeyRing`, with a count of every request by path, so tests can see
 * exactly how often a verifier fetches.
 */
export interface IssuerStub {
  issuer: string;
  jwksUri: string;
  ring: KeyRing;
  requests: Map<string, number>;
  /** Overrides what a path answers (status, headers, body). */
  answer: Map<string, { status: number; headers?: Record<string, string>; body: string }>;
  cacheControl: string;
  total(): number;
  accessToken(overrides?: {
    iatOffset?: number;
    ttl?: number;
    ring?: KeyRing;
    /** Claims beside the required ones; `{ role: "user" }` unless given. */
    extraClaims?: Record<string, string>;
  }): Promise<string>;
  refreshToken(): Promise<string>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

export const AUDIENCE = "sesame";

export async function startIssuerStub(ring: KeyRing, nowMs: () => number): Promise<IssuerStub> {
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    stub.requests.set(path, (stub.requests.get(path) ?? 0) + 1);
    const override = stub.answer.get(path);
    if (override) {
      response.writeHead(override.status, override.headers).end(override.body);
    } else if (path === "/.well-known/openid-configuration") {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ issuer: stub.issuer, jwks_uri: stub.jwksUri }));
    } else if (path === "/.well-known/jwks.json") {
      response
        .writeHead(200, { "content-type": "application/json", "cache-control": stub.cacheControl })
        .end(JSON.stringify(stub.ring.jwks()));
    } else {
      response.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = () => ({ issuer, audience: AUDIENCE });
  const stub: IssuerStub = {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    ring,
    requests: new Map(),
    answer: new Map(),
    cacheControl: "public, max-age=300",
    total: () => [...stub.requests.values()].reduce((a, b) => a + b, 0),
    accessToken: ({
      iatOffset = 0,
      ttl = 600,
      ring: signer = stub.ring,
      extraClaims = { role: "user" },
    } = {}) => {
      const iat = Math.floor(nowMs() / 1000) + iatOffset;
      const subject = { userId: "user-1", sessionId: "session-1", extraClaims };
      return signToken(ACCESS_TOKEN, signer, config(), subject, `jti-${iat}`, iat, iat + ttl);
    },
    refreshToken: () => {
      const iat = Math.floor(nowMs() / 1000);
      const subject = { userId: "user-1", sessionId: "session-1" };
      return signToken(REFRESH_TOKEN, stub.ring, config(), subject, "rt", iat, iat + 3600);
    },
  };
  return stub;
}
