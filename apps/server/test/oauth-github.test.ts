import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  type GithubEmail,
  type GithubStandIn,
  startGithubStandIn,
} from "./support/github-stand-in.ts";
import { freePort, RedirectWalker } from "./support/oauth-browser.ts";
import { rawCall } from "./support/raw-call.ts";
import {
  rowCount,
  signedUp,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "./support/test-server.ts";

const standIns: GithubStandIn[] = [];
afterEach(async () => {
  while (standIns.length > 0) await standIns.pop()?.close();
});

/** Sesame on a port known in advance, its `github` preset pointed at a local stand-in. */
async function withGithub(options: { clientSecret?: string } = {}) {
  const github = await startGithubStandIn();
  standIns.push(github);
  const port = await freePort();
  const server = await startTestServer({
    PORT: String(port),
    OAUTH_PROVIDERS: JSON.stringify([
      {
        id: "github",
        clientId: github.clientId,
        clientSecret: options.clientSecret ?? github.clientSecret,
        endpoints: github.endpoints,
      },
    ]),
  });
  return { server, github, callbackUri: `http://localhost:${port}/auth/oauth/github/callback` };
}

/** The whole browser flow: start at Sesame, the stand-in's authorize, and back to Sesame's callback. */
async function browserFlow(server: TestServer, returnTo = "/account") {
  const walker = new RedirectWalker();
  const start = await walker.get(
    `${server.url}/auth/oauth/github/start?returnTo=${encodeURIComponent(returnTo)}`,
  );
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location") ?? "");
  const back = await walker.walk(
    authorize.href,
    (url) => url.pathname === "/auth/oauth/github/callback",
  );
  // The browser reaches Sesame where it started (the test calls it by 127.0.0.1, the link says localhost).
  const done = await walker.get(new URL(`${back.pathname}${back.search}`, server.url).href);
  return {
    walker,
    authorize,
    status: done.status,
    location: done.headers.get("location") ?? "",
  };
}

/** A refresh with the cookie the callback set: the session it opened. */
function sessionFromCookie(server: TestServer, walker: RedirectWalker) {
  return rawCall(
    server.url,
    "auth.refresh",
    {},
    { cookie: walker.cookiesFor(new URL(server.url).host), origin: server.url },
  );
}

async function expectNothingCreated(server: TestServer) {
  expect(await rowCount(server, "users")).toBe(0);
  expect(await rowCount(server, "identities")).toBe(0);
  expect(await rowCount(server, "sessions")).toBe(0);
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

describe("sign in with GitHub (a local stand-in of its OAuth app endpoints)", () => {
  it("the browser flow signs in a new account with the verified primary address, verified", async () => {
    const { server, github } = await withGithub();
    const primary = uniqueEmail();
    github.signInAs({
      id: 583231,
      login: "octocat",
      emails: [
        { email: `unverified.${uniqueEmail()}`, primary: false, verified: false },
        { email: `secondary.${uniqueEmail()}`, primary: false, verified: true },
        { email: primary.toUpperCase(), primary: true, verified: true, visibility: "private" },
      ],
    });
    const flow = await browserFlow(server, "/account/connections");
    expect(flow).toMatchObject({ status: 302, location: "/account/connections" });
    expect(`${flow.authorize.origin}${flow.authorize.pathname}`).toBe(
      github.endpoints.authorization,
    );
    expect(flow.authorize.searchParams.get("scope")).toBe("read:user user:email");
    const session = await sessionFromCookie(server, flow.walker);
    expect(session.status).toBe(200);
    expect(session.data.user).toMatchObject({ email: primary, emailVerified: true });
    const me = server.client({ accessToken: session.data.accessToken });
    expect(await me.api.identity.list.query()).toEqual([
      expect.objectContaining({ provider: "github", name: "GitHub", email: primary }),
    ]);

    // GitHub's numeric user id is the identity: a new primary address later is the same account.
    github.signInAs({
      id: 583231,
      login: "octocat",
      emails: [{ email: uniqueEmail(), primary: true, verified: true }],
    });
    const again = await browserFlow(server);
    expect(again.location).toBe("/account");
    expect((await sessionFromCookie(server, again.walker)).data.user).toMatchObject({
      email: primary,
    });
    expect(await rowCount(server, "users")).toBe(1);
  });

  const noVerifiedPrimary: Array<[string, (address: string) => GithubEmail[]]> = [
    [
      "only an unverified primary",
      (address) => [{ email: address, primary: true, verified: false }],
    ],
    [
      "an unverified primary and a verified non-primary",
      (address) => [
        { email: address, primary: true, verified: false },
        { email: `other.${address}`, primary: false, verified: true },
      ],
    ],
    [
      "only a verified non-primary",
      (address) => [{ email: address, primary: false, verified: true }],
    ],
    ["no addresses at all", () => []],
  ];

  it.each(noVerifiedPrimary)(
    "%s: no address counts, so no new account (OAUTH_FAILED), no session",
    async (_, emails) => {
      const { server, github } = await withGithub();
      github.signInAs({ id: 1001, login: "mallory", emails: emails(uniqueEmail()) });
      const flow = await browserFlow(server);
      expect(flow).toMatchObject({ status: 302, location: "/login#error=OAUTH_FAILED" });
      // The exchange itself succeeded: the refusal is the addresses'.
      expect(github.tokenExchanges).toEqual([
        expect.objectContaining({ clientOk: true, codeOk: true, pkceOk: true }),
      ]);
      await expectNothingCreated(server);
    },
  );

  it("an unverified primary naming an existing, verified account: not joined, no session", async () => {
    const { server, github } = await withGithub();
    const { email } = await signedUp(server);
    await server.query("UPDATE users SET email_verified_at = 1 WHERE email = ?", email);
    const sessions = await rowCount(server, "sessions");
    github.signInAs({
      id: 1002,
      login: "mallory",
      emails: [{ email, primary: true, verified: false }],
    });
    const flow = await browserFlow(server);
    expect(flow.location).toBe("/login#error=OAUTH_FAILED");
    expect(await rowCount(server, "users")).toBe(1);
    expect(await rowCount(server, "identities")).toBe(0);
    expect(await rowCount(server, "sessions")).toBe(sessions);
  });

  it("Sesame proves PKCE S256 at the token endpoint and authenticates by client_secret_post", async () => {
    const { server, github, callbackUri } = await withGithub();
    github.signInAs({
      id: 1003,
      login: "pat",
      emails: [{ email: uniqueEmail(), primary: true, verified: true }],
    });
    const flow = await browserFlow(server);
    expect(flow.location).toBe("/account");
    expect(flow.authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(flow.authorize.searchParams.get("redirect_uri")).toBe(callbackUri);
    expect(github.tokenExchanges).toHaveLength(1);
    const [exchange] = github.tokenExchanges as [(typeof github.tokenExchanges)[0]];
    expect(exchange).toMatchObject({ clientOk: true, codeOk: true, pkceOk: true });
    expect(s256(exchange.form.get("code_verifier") ?? "")).toBe(
      flow.authorize.searchParams.get("code_challenge"),
    );
    expect(Object.fromEntries(exchange.form)).toMatchObject({
      grant_type: "authorization_code",
      redirect_uri: callbackUri,
      client_id: github.clientId,
      client_secret: github.clientSecret,
    });

    // The stand-in's check has teeth: a live code with another verifier gets no token.
    const authorize = new URL(github.endpoints.authorization);
    authorize.search = new URLSearchParams({
      client_id: github.clientId,
      redirect_uri: callbackUri,
      state: "s",
      code_challenge: s256("the-verifier-of-this-request-the-verifier-of-this-request"),
      code_challenge_method: "S256",
    }).toString();
    const code =
      new URL(
        (await fetch(authorize, { redirect: "manual" })).headers.get("location") ?? "",
      ).searchParams.get("code") ?? "";
    const forged = await fetch(github.endpoints.token, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: github.clientId,
        client_secret: github.clientSecret,
        code,
        redirect_uri: callbackUri,
        code_verifier: "some-other-verifier-some-other-verifier-some-other",
      }),
    });
    expect(await forged.json()).toEqual({ error: "bad_verification_code" });
    expect(github.tokenExchanges.at(-1)).toMatchObject({ codeOk: true, pkceOk: false });
  });

  it("a wrong client secret configured: GitHub refuses the exchange, OAUTH_FAILED, nothing created", async () => {
    const { server, github } = await withGithub({ clientSecret: "not-the-registered-secret" });
    github.signInAs({
      id: 1004,
      login: "sam",
      emails: [{ email: uniqueEmail(), primary: true, verified: true }],
    });
    const flow = await browserFlow(server);
    expect(flow).toMatchObject({ status: 302, location: "/login#error=OAUTH_FAILED" });
    expect(github.tokenExchanges).toEqual([
      expect.objectContaining({ clientOk: false, pkceOk: true }),
    ]);
    await expectNothingCreated(server);
  });
});
