import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Provider } from "oidc-provider";

/** A person at the provider. */
export interface ProviderAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
}

export interface OidcTestProvider {
  /** `http://127.0.0.1:PORT`: loopback, so Sesame accepts it over http. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person the sign-in page signs in as next (HTTP tests; the browser test types an email). */
  signInAs(account: ProviderAccount): void;
  /** Registers an account the page's form may name by its email. */
  addAccount(account: ProviderAccount): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider, certified) on a free loopback
 * port, with one confidential client for Sesame: discovery, JWKS, PKCE,
 * signed ID tokens, single-use codes — the protocol exactly as a real
 * provider speaks it. Its sign-in page is a one-field form; a test can also
 * preset who signs in.
 */
export async function startOidcTestProvider(redirectUris: string[]): Promise<OidcTestProvider> {
  const accounts = new Map<string, ProviderAccount>();
  let next: ProviderAccount | undefined;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "sesame-test";
  const clientSecret = "a-test-client-secret-of-enough-length";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        // Native, so the app's custom-scheme redirect (RFC 8252) is allowed beside Sesame's loopback one.
        application_type: "native",
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = [...accounts.values()].find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified }),
      };
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
  });
  const handle = provider.callback();

  async function finish(req: IncomingMessage, res: ServerResponse, account: ProviderAccount) {
    accounts.set(account.email, account);
    const grant = new provider.Grant({ accountId: account.sub, clientId });
    grant.addOIDCScope("openid email profile");
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  server.on("request", async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", issuer);
      const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
      if (!match) return handle(req, res);
      await provider.interactionDetails(req, res);
      if (req.method === "GET" && next) {
        const account = next;
        next = undefined;
        return await finish(req, res, account);
      }
      if (req.method === "GET") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        return res.end(`<!doctype html><title>Test provider</title><h1>Sign in to the test provider</h1>
<form method="post" action="/interaction/${match[1]}/login">
<label>Email <input name="email" type="email" autocomplete="off"></label>
<button type="submit">Sign in</button></form>`);
      }
      const body = await new Promise<string>((resolve) => {
        let text = "";
        req.on("data", (chunk) => {
          text += chunk;
        });
        req.on("end", () => resolve(text));
      });
      const email = new URLSearchParams(body).get("email") ?? "";
      const account = accounts.get(email);
      if (!account) {
        res.statusCode = 400;
        return res.end("Unknown account");
      }
      return await finish(req, res, account);
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (account) => {
      accounts.set(account.email, account);
      next = account;
    },
    addAccount: (account) => accounts.set(account.email, account),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
