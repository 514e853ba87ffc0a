import { afterEach, describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { freePort, RedirectWalker } from "./support/oauth-browser.ts";
import { type OidcTestProvider, startOidcTestProvider } from "./support/oidc-test-provider.ts";
import { rawCall } from "./support/raw-call.ts";
import { SoftAuthenticator } from "./support/soft-authenticator.ts";
import { authCodeOf, type TestServer, uniqueEmail } from "./support/test-server.ts";

const NEW_PASSWORD = "a passphrase of my own at last";

const providers: OidcTestProvider[] = [];
afterEach(async () => {
  while (providers.length > 0) await providers.pop()?.close();
});

/** Sesame with real SMTP and the test OpenID Provider as "test", on a port known in advance (the callback URI). */
async function withProviderAndMail() {
  const port = await freePort();
  const idp = await startOidcTestProvider([`http://localhost:${port}/auth/oauth/test/callback`]);
  providers.push(idp);
  const mail = await startMailTestServer({
    PORT: String(port),
    OAUTH_PROVIDERS: JSON.stringify([
      {
        id: "test",
        name: "Test ID",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
      },
    ]),
  });
  return { ...mail, idp };
}

/** "Sign in with Test ID" in a browser, up to where Sesame's callback sends it: `/account`, or `/login#error=…`. */
async function providerSignIn(server: TestServer) {
  const walker = new RedirectWalker();
  const start = await walker.get(`${server.url}/auth/oauth/test/start?returnTo=/account`);
  const callback = await walker.walk(
    new URL(start.headers.get("location") ?? "").href,
    (url) => url.pathname === "/auth/oauth/test/callback",
  );
  const done = await walker.get(new URL(`${callback.pathname}${callback.search}`, server.url).href);
  return { walker, location: done.headers.get("location") };
}

/** A provider sign-in that succeeds: a client with the session its cookie opened. */
async function signInWithProvider(server: TestServer) {
  const { walker, location } = await providerSignIn(server);
  expect(location).toBe("/account");
  const session = await rawCall(
    server.url,
    "auth.refresh",
    {},
    { cookie: walker.cookiesFor(new URL(server.url).host), origin: server.url },
  );
  expect(session.status).toBe(200);
  return server.client({ accessToken: session.data.accessToken });
}

describe("an account made by signing in with a provider", () => {
  it("sets a password through the reset flow, signs in with it, and may then unlink the provider", async () => {
    const { server, idp, nextMail } = await withProviderAndMail();
    const email = uniqueEmail();
    idp.signInAs({ sub: "pat-1", email, emailVerified: true });
    const federated = await signInWithProvider(server);
    expect(await federated.api.user.me.query()).toMatchObject({ email, emailVerified: true });
    // No password yet: the provider is the only way in, and no password signs in.
    expect(await authCodeOf(federated.api.identity.unlink.mutate({ provider: "test" }))).toBe(
      "LAST_SIGN_IN_METHOD",
    );
    const anonymous = server.client();
    expect(
      await authCodeOf(anonymous.api.auth.login.mutate({ email, password: NEW_PASSWORD })),
    ).toBe("INVALID_CREDENTIALS");

    // "Forgot password?": the link comes by mail, as to any account.
    expect(await anonymous.api.auth.requestPasswordReset.mutate({ email })).toEqual({ ok: true });
    const { token } = await nextMail(email, SUBJECT.reset);
    expect(
      await anonymous.api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD }),
    ).toEqual({ ok: true });
    // As every reset, it ended the account's sessions, the federated one included.
    expect(await authCodeOf(federated.api.user.me.query())).toBe("SESSION_REVOKED");

    const signedIn = await anonymous.api.auth.login.mutate({
      email,
      password: NEW_PASSWORD,
      transport: "body",
    });
    expect(signedIn.user).toMatchObject({ email, emailVerified: true });
    const owner = server.client({ accessToken: signedIn.accessToken });
    // A password exists now: the provider is no longer the last way in.
    expect(await owner.api.identity.unlink.mutate({ provider: "test" })).toEqual({ ok: true });
    expect(await owner.api.identity.list.query()).toEqual([]);
    const events = await owner.api.audit.list.query({
      types: ["register", "password_reset", "identity_unlinked"],
    });
    expect(events.map((event) => [event.type, event.detail])).toEqual([
      ["identity_unlinked", { provider: "test" }],
      ["password_reset", undefined],
      ["register", { provider: "test" }],
    ]);
    // And the password alone still signs in.
    const again = await anonymous.api.auth.login.mutate({ email, password: NEW_PASSWORD });
    expect(again.user.email).toBe(email);
  });

  it("a reset that first proves the mailbox hands the account to its owner alone: an identity whose provider did not verify the address, and a passkey added before, no longer sign in", async () => {
    const { server, idp, nextMail } = await withProviderAndMail();
    const victim = uniqueEmail();
    // Someone signs in at a provider that does not vouch for the address: an account with it, unverified.
    idp.signInAs({ sub: "mallory-1", email: victim, emailVerified: false });
    const mallory = await signInWithProvider(server);
    expect(await mallory.api.user.me.query()).toMatchObject({
      email: victim,
      emailVerified: false,
    });
    // ... and adds a passkey of their own while in it.
    const malloryKey = new SoftAuthenticator(server.issuer);
    await mallory.api.passkey.finishRegistration.mutate({
      response: malloryKey.register(await mallory.api.passkey.beginRegistration.mutate()),
    });

    // The owner of the mailbox resets the password of "their" account.
    const anonymous = server.client();
    await anonymous.api.auth.requestPasswordReset.mutate({ email: victim });
    const { token } = await nextMail(victim, SUBJECT.reset);
    await anonymous.api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD });
    const owner = await anonymous.api.auth.login.mutate({
      email: victim,
      password: NEW_PASSWORD,
      transport: "body",
    });
    const ownerClient = server.client({ accessToken: owner.accessToken });
    expect(await ownerClient.api.identity.list.query()).toEqual([]);
    expect(await ownerClient.api.passkey.list.query()).toEqual([]);

    // Neither way back in works: the identity joins nothing unverified, the passkey is unknown.
    idp.signInAs({ sub: "mallory-1", email: victim, emailVerified: false });
    expect((await providerSignIn(server)).location).toBe("/login#error=ACCOUNT_EXISTS");
    const api = server.client().api;
    const { challengeId, options } = await api.auth.beginPasskeyLogin.mutate();
    expect(
      await authCodeOf(
        api.auth.finishPasskeyLogin.mutate({
          challengeId,
          response: malloryKey.authenticate(
            options.challenge,
            options.rpId ?? new URL(server.issuer).hostname,
          ),
        }),
      ),
    ).toBe("PASSKEY_INVALID");
    // The owner sees what went, in the same change as the reset.
    const removed = await ownerClient.api.audit.list.query({
      types: ["password_reset", "identity_unlinked", "passkey_removed"],
    });
    expect(removed.map((event) => [event.type, event.detail]).sort()).toEqual([
      ["identity_unlinked", { provider: "test" }],
      ["passkey_removed", undefined],
      ["password_reset", undefined],
    ]);
  });
});
