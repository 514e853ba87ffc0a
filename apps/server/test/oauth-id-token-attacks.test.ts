import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type HostileOidcProvider,
  type IdTokenClaims,
  type IdTokenSigner,
  startHostileOidcProvider,
} from "./support/hostile-oidc-provider.ts";
import { freePort, RedirectWalker } from "./support/oauth-browser.ts";
import { rawCall } from "./support/raw-call.ts";
import { rowCount, startTestServer, type TestServer } from "./support/test-server.ts";

let idp: HostileOidcProvider;
beforeAll(async () => {
  idp = await startHostileOidcProvider();
});
afterAll(async () => {
  await idp?.close();
});
beforeEach(() => idp.reset());

/** Sesame on a port known in advance, with the hostile provider configured as "evil". */
async function withEvil() {
  const port = await freePort();
  const server = await startTestServer({
    PORT: String(port),
    OAUTH_PROVIDERS: JSON.stringify([
      {
        id: "evil",
        name: "Evil ID",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
      },
    ]),
  });
  return { server, callbackUri: `http://localhost:${port}/auth/oauth/evil/callback` };
}

/** A browser starts a sign-in with "evil": its binding cookie, and the authorize URL's state and nonce. */
async function start(server: TestServer, returnTo = "/account") {
  const walker = new RedirectWalker();
  const response = await walker.get(
    `${server.url}/auth/oauth/evil/start?returnTo=${encodeURIComponent(returnTo)}`,
  );
  expect(response.status).toBe(302);
  const authorize = new URL(response.headers.get("location") ?? "");
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${idp.issuer}/authorize`);
  const state = authorize.searchParams.get("state") ?? "";
  const nonce = authorize.searchParams.get("nonce") ?? "";
  expect(state).not.toBe("");
  expect(nonce).not.toBe("");
  return { walker, authorize, state, nonce };
}

/** The same browser at Sesame's callback with a made-up code (the hostile token endpoint takes any). */
async function callback(server: TestServer, walker: RedirectWalker, state: string) {
  const response = await walker.get(
    `${server.url}/auth/oauth/evil/callback?code=anything&state=${encodeURIComponent(state)}`,
  );
  return { status: response.status, location: response.headers.get("location") ?? "" };
}

/** The whole round trip with the ID token `craft` makes from the authorization request's nonce. */
async function signInWith(
  server: TestServer,
  craft: (nonce: string) => IdTokenClaims,
  signer: IdTokenSigner = "published",
  returnTo = "/account",
) {
  const flow = await start(server, returnTo);
  idp.answerWith(craft(flow.nonce), signer);
  return { ...flow, ...(await callback(server, flow.walker, flow.state)) };
}

async function expectNothingCreated(server: TestServer) {
  expect(await rowCount(server, "users")).toBe(0);
  expect(await rowCount(server, "identities")).toBe(0);
  expect(await rowCount(server, "sessions")).toBe(0);
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

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const now = () => Math.floor(Date.now() / 1000);

describe("ID tokens from a hostile OpenID Provider", () => {
  it("control: a valid ID token (this issuer, this client, the request's nonce, fresh, signed by a published key) signs in", async () => {
    const { server } = await withEvil();
    const done = await signInWith(server, (nonce) => idp.validClaims(nonce), "published", "/after");
    expect(done).toMatchObject({ status: 302, location: "/after" });
    const session = await sessionFromCookie(server, done.walker);
    expect(session.status).toBe(200);
    expect(session.data.user).toMatchObject({ email: "victim@example.com", emailVerified: true });
    expect(await rowCount(server, "users")).toBe(1);
    expect(await rowCount(server, "sessions")).toBe(1);
  });

  const attacks: Array<[string, (nonce: string) => IdTokenClaims, IdTokenSigner?]> = [
    // A token minted for another sign-in (an authorization code injected from elsewhere).
    ["another nonce", () => idp.validClaims(randomBytes(16).toString("base64url"))],
    ["no nonce", (nonce) => idp.validClaims(nonce, { nonce: undefined })],
    // A token this provider issued to another of its clients.
    ["another audience", (nonce) => idp.validClaims(nonce, { aud: "another-client" })],
    [
      "an audience list naming this client, authorized for another (azp)",
      (nonce) =>
        idp.validClaims(nonce, { aud: [idp.clientId, "another-client"], azp: "another-client" }),
    ],
    // Claims to speak for a provider it is not (mix-up).
    ["another issuer", (nonce) => idp.validClaims(nonce, { iss: "https://accounts.google.com" })],
    [
      "expired an hour ago",
      (nonce) => idp.validClaims(nonce, { iat: now() - 7200, exp: now() - 3600 }),
    ],
    ["no subject", (nonce) => idp.validClaims(nonce, { sub: undefined })],
    ["unsigned (alg none)", (nonce) => idp.validClaims(nonce), "none"],
  ];

  it.each(attacks)(
    "%s: refused with OAUTH_FAILED, no user, no session",
    async (_, craft, signer) => {
      const { server } = await withEvil();
      const done = await signInWith(server, craft, signer);
      expect(done).toMatchObject({ status: 302, location: "/login#error=OAUTH_FAILED" });
      // It got as far as the code exchange: the refusal is the ID token's.
      expect(idp.tokenRequests).toHaveLength(1);
      expect(done.walker.cookiesFor(new URL(server.url).host)).not.toMatch(/refresh/i);
      await expectNothingCreated(server);
    },
  );

  // openid-client 6 checks the signature of an ID token from the token endpoint only
  // with `enableNonRepudiationChecks` (OIDC Core 3.1.3.7 lets TLS stand in for it),
  // which OidcProviderClient turns on: without it, this forgery signed in.
  it("signed by a key not in the provider's JWKS (same kid): refused with OAUTH_FAILED, no user, no session", async () => {
    const { server } = await withEvil();
    const done = await signInWith(server, (nonce) => idp.validClaims(nonce), "rogue");
    expect(done).toMatchObject({ status: 302, location: "/login#error=OAUTH_FAILED" });
    await expectNothingCreated(server);
  });
});

describe("UserInfo and the token request", () => {
  it("an ID token without an address, and UserInfo giving one for another subject: refused", async () => {
    const { server } = await withEvil();
    const noEmail = (nonce: string) =>
      idp.validClaims(nonce, { sub: "victim-1", email: undefined, email_verified: undefined });
    idp.userInfo({ sub: "someone-else", email: "victim@example.com", email_verified: true });
    const refused = await signInWith(server, noEmail);
    expect(refused.location).toBe("/login#error=OAUTH_FAILED");
    // Sesame asked UserInfo (the ID token had no address) and refused its answer.
    expect(idp.userInfoCalls).toBe(1);
    await expectNothingCreated(server);

    // Control: the same answer for the ID token's own subject signs in with its address.
    idp.userInfo({ sub: "victim-1", email: "Victim@Example.com", email_verified: true });
    const accepted = await signInWith(server, noEmail);
    expect(accepted.location).toBe("/account");
    expect(idp.userInfoCalls).toBe(2);
    expect((await sessionFromCookie(server, accepted.walker)).data.user).toMatchObject({
      email: "victim@example.com",
      emailVerified: true,
    });
  });

  it("the token request proves PKCE (code_verifier whose S256 is the authorize URL's code_challenge) and sends client_secret in the body", async () => {
    const { server, callbackUri } = await withEvil();
    const done = await signInWith(server, (nonce) => idp.validClaims(nonce));
    expect(done.location).toBe("/account");
    const { authorize } = done;
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(callbackUri);
    expect(idp.tokenRequests).toHaveLength(1);
    const [{ form, authorization }] = idp.tokenRequests as [(typeof idp.tokenRequests)[0]];
    const verifier = form.get("code_verifier") ?? "";
    // RFC 7636: 43 to 128 characters of the unreserved set.
    expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(s256(verifier)).toBe(authorize.searchParams.get("code_challenge"));
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: "authorization_code",
      code: "anything",
      redirect_uri: callbackUri,
      client_id: idp.clientId,
      client_secret: idp.clientSecret,
    });
    // client_secret_post: no HTTP Basic credentials beside it.
    expect(authorization).toBeUndefined();
  });
});
