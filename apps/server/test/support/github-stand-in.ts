import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One entry of GitHub's `GET /user/emails`. */
export interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: "public" | "private" | null;
}

/** A GitHub user: `GET /user`'s id and login, and their addresses. */
export interface GithubUser {
  id: number;
  login: string;
  emails: GithubEmail[];
}

/** What the token endpoint made of one request. */
export interface GithubTokenExchange {
  form: URLSearchParams;
  /** Client id and secret as registered. */
  clientOk: boolean;
  /** A live code, issued to this client for this redirect_uri. */
  codeOk: boolean;
  /** The code_verifier's S256 is the code_challenge the authorize request carried. */
  pkceOk: boolean;
}

export interface GithubStandIn {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The `endpoints` of Sesame's `github` preset pointing here. */
  endpoints: { authorization: string; token: string; api: string };
  clientId: string;
  clientSecret: string;
  /** The person the authorize endpoint signs in as next. */
  signInAs(user: GithubUser): void;
  /** Every authorize request, oldest first. */
  readonly authorizeRequests: URL[];
  /** Every token request and what the endpoint found of it, oldest first. */
  readonly tokenExchanges: GithubTokenExchange[];
  close(): Promise<void>;
}

/**
 * A local stand-in of GitHub's OAuth app endpoints, as documented at
 * docs.github.com ("Authorizing OAuth apps", REST "Users" and "Emails"):
 * there is no local GitHub to test against, so this is the one fake of a
 * real provider. `/login/oauth/authorize` sends the browser straight back
 * with a code (the person has already consented); `/login/oauth/access_token`
 * checks the client, the single-use code, its redirect_uri and PKCE S256,
 * and, like GitHub, answers an error with HTTP 200 and an `error` member;
 * `/api/user` and `/api/user/emails` want the Bearer token it issued.
 */
export async function startGithubStandIn(): Promise<GithubStandIn> {
  const clientId = "Iv1.sesame-test-app";
  const clientSecret = "github-stand-in-client-secret";
  let next: GithubUser | undefined;
  const codes = new Map<
    string,
    { user: GithubUser; challenge: string | null; method: string | null; redirectUri: string }
  >();
  const tokens = new Map<string, GithubUser>();
  const authorizeRequests: URL[] = [];
  const tokenExchanges: GithubTokenExchange[] = [];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      authorizeRequests.push(url);
      const redirectUri = url.searchParams.get("redirect_uri");
      if (url.searchParams.get("client_id") !== clientId || !redirectUri || !next) {
        return json(res, 404, { message: "Not Found" });
      }
      const code = randomBytes(10).toString("hex");
      codes.set(code, {
        user: next,
        challenge: url.searchParams.get("code_challenge"),
        method: url.searchParams.get("code_challenge_method"),
        redirectUri,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      const state = url.searchParams.get("state");
      if (state !== null) back.searchParams.set("state", state);
      res.writeHead(302, { location: back.href });
      return void res.end();
    }
    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      const form = new URLSearchParams(await bodyOf(req));
      const code = form.get("code") ?? "";
      const issued = codes.get(code);
      codes.delete(code);
      const verifier = form.get("code_verifier");
      const exchange: GithubTokenExchange = {
        form,
        clientOk: form.get("client_id") === clientId && form.get("client_secret") === clientSecret,
        codeOk: issued !== undefined && form.get("redirect_uri") === issued.redirectUri,
        pkceOk:
          issued?.method === "S256" &&
          issued.challenge !== null &&
          verifier !== null &&
          createHash("sha256").update(verifier).digest("base64url") === issued.challenge,
      };
      tokenExchanges.push(exchange);
      // GitHub answers these with 200 and an error member, not with 400.
      if (!exchange.clientOk) return json(res, 200, { error: "incorrect_client_credentials" });
      if (!exchange.codeOk || !exchange.pkceOk || !issued) {
        return json(res, 200, { error: "bad_verification_code" });
      }
      const accessToken = `gho_${randomBytes(18).toString("hex")}`;
      tokens.set(accessToken, issued.user);
      return json(res, 200, {
        access_token: accessToken,
        token_type: "bearer",
        scope: "read:user,user:email",
      });
    }
    if (
      req.method === "GET" &&
      (url.pathname === "/api/user" || url.pathname === "/api/user/emails")
    ) {
      const [scheme, token] = (req.headers.authorization ?? "").split(" ");
      const user = scheme?.toLowerCase() === "bearer" && token ? tokens.get(token) : undefined;
      if (!user) return json(res, 401, { message: "Requires authentication" });
      if (url.pathname === "/api/user") {
        return json(res, 200, { id: user.id, login: user.login, type: "User", email: null });
      }
      return json(res, 200, user.emails);
    }
    json(res, 404, { message: "Not Found" });
  }

  return {
    origin,
    endpoints: {
      authorization: `${origin}/login/oauth/authorize`,
      token: `${origin}/login/oauth/access_token`,
      api: `${origin}/api`,
    },
    clientId,
    clientSecret,
    signInAs(user) {
      next = user;
    },
    authorizeRequests,
    tokenExchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
