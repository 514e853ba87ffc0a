import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/** The claims of the next ID token; a key set to `undefined` is left out of the token. */
export type IdTokenClaims = { [claim: string]: unknown };

/** Which key signs the next ID token, and how. */
export type IdTokenSigner =
  /** The key its JWKS publishes. */
  | "published"
  /** A key of its own with the published key's `kid`: a forgery the JWKS does not vouch for. */
  | "rogue"
  /** No signature at all (`alg: none`). */
  | "none";

/** One request the token endpoint received. */
export interface TokenRequest {
  /** The form body. */
  form: URLSearchParams;
  /** The `authorization` header, if the client authenticated by one. */
  authorization: string | undefined;
}

export interface HostileOidcProvider {
  /** `http://127.0.0.1:PORT`: loopback, so Sesame accepts it over http. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The `kid` of the published key (the rogue key claims it too). */
  kid: string;
  /**
   * A valid ID token's claims for the authorization request that carried
   * `nonce`: this issuer, this client, `sub`, now, and a verified address.
   */
  validClaims(nonce: string, overrides?: IdTokenClaims): IdTokenClaims;
  /** What the next token responses carry as `id_token`: these claims, signed so. */
  answerWith(claims: IdTokenClaims, signer?: IdTokenSigner): void;
  /** What the UserInfo endpoint answers (404 until set). */
  userInfo(claims: IdTokenClaims | undefined): void;
  /** Every request its token endpoint received, oldest first. */
  readonly tokenRequests: TokenRequest[];
  /** How many times its UserInfo endpoint was asked. */
  readonly userInfoCalls: number;
  /** Forgets the crafted answers and the recorded requests (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * An OpenID Provider that lies: a hand-made node:http server (the attacker
 * controls every byte, so no certified library stands in for it) with
 * honest-looking discovery and JWKS, a token endpoint answering whatever ID
 * token the test crafted, and a UserInfo endpoint saying what the test set.
 * It never shows an authorization page: the tests bring Sesame's callback
 * a made-up code, and its token endpoint accepts any.
 */
export async function startHostileOidcProvider(): Promise<HostileOidcProvider> {
  const clientId = "sesame-victim";
  const clientSecret = "the-hostile-provider-knows-this-secret";
  const kid = "hostile-key-1";
  const alg = "ES256";
  const published = await generateKeyPair(alg);
  const rogue = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(published.publicKey)), kid, alg, use: "sig" };

  let next: { claims: IdTokenClaims; signer: IdTokenSigner } | undefined;
  let info: IdTokenClaims | undefined;
  let userInfoCalls = 0;
  const tokenRequests: TokenRequest[] = [];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { error: "server_error", error_description: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", issuer);
    if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: [alg],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_post"],
        scopes_supported: ["openid", "email", "profile"],
      });
    }
    if (req.method === "GET" && url.pathname === "/jwks") {
      return json(res, 200, { keys: [jwk] });
    }
    if (req.method === "POST" && url.pathname === "/token") {
      const form = new URLSearchParams(await bodyOf(req));
      tokenRequests.push({ form, authorization: req.headers.authorization });
      if (!next) return json(res, 400, { error: "invalid_grant" });
      return json(res, 200, {
        access_token: `at-${tokenRequests.length}`,
        token_type: "Bearer",
        expires_in: 300,
        id_token: await sign(next.claims, next.signer),
      });
    }
    if (url.pathname === "/userinfo") {
      userInfoCalls++;
      if (!info || !req.headers.authorization?.startsWith("Bearer ")) {
        return json(res, 401, { error: "invalid_token" });
      }
      return json(res, 200, info);
    }
    json(res, 404, { error: "not_found" });
  }

  async function sign(claims: IdTokenClaims, signer: IdTokenSigner): Promise<string> {
    const payload = Object.fromEntries(
      Object.entries(claims).filter(([, value]) => value !== undefined),
    ) as JWTPayload;
    if (signer === "none") {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg, kid, typ: "JWT" })
      .sign(signer === "rogue" ? rogue.privateKey : published.privateKey);
  }

  return {
    issuer,
    clientId,
    clientSecret,
    kid,
    validClaims(nonce, overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return {
        iss: issuer,
        aud: clientId,
        sub: "victim-1",
        nonce,
        iat: now,
        exp: now + 300,
        email: "victim@example.com",
        email_verified: true,
        ...overrides,
      };
    },
    answerWith(claims, signer = "published") {
      next = { claims, signer };
    },
    userInfo(claims) {
      info = claims;
    },
    tokenRequests,
    get userInfoCalls() {
      return userInfoCalls;
    },
    reset() {
      next = undefined;
      info = undefined;
      userInfoCalls = 0;
      tokenRequests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
