import { generateKeyPairSync } from "node:crypto";
import { totpCodeAt } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { FLAGS, SoftAuthenticator } from "./support/soft-authenticator.ts";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  type TestClient,
  type TestServer,
} from "./support/test-server.ts";

/** A signed-up user with a passkey registered on a software authenticator at the server's origin. */
async function withPasskey(server: TestServer) {
  const account = await signedUp(server);
  const authenticator = new SoftAuthenticator(server.issuer);
  const options = await account.client.api.passkey.beginRegistration.mutate();
  const { id } = await account.client.api.passkey.finishRegistration.mutate({
    response: authenticator.register(options),
    name: "Laptop",
  });
  return { ...account, authenticator, id };
}

async function passkeySignIn(server: TestServer, authenticator: SoftAuthenticator, tamper = {}) {
  const api = server.client().api;
  const { challengeId, options } = await api.auth.beginPasskeyLogin.mutate();
  const rpId = options.rpId ?? new URL(server.issuer).hostname;
  return api.auth.finishPasskeyLogin.mutate({
    challengeId,
    response: authenticator.authenticate(options.challenge, rpId, tamper),
    transport: "body",
  });
}

const amrOf = (accessToken: string): string[] =>
  JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()).amr;

const passkeyRows = (server: TestServer) =>
  server.queryValue<number>("SELECT count(*) FROM passkeys").then(Number);

describe("passkeys", () => {
  it("registers a passkey with its name and kind, listed without its key; the options exclude it next time", async () => {
    const server = await startTestServer();
    const { client, id } = await withPasskey(server);
    const [listed] = await client.api.passkey.list.query();
    expect(listed).toEqual({
      id,
      name: "Laptop",
      createdAt: expect.any(String),
      lastUsedAt: null,
      deviceType: "singleDevice",
      backedUp: false,
    });
    expect(await client.api.mfa.status.query()).toMatchObject({ passkeys: 1 });
    const again = await client.api.passkey.beginRegistration.mutate();
    expect(again.excludeCredentials?.map((credential) => credential.id)).toEqual([id]);
    expect(again.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    // The relying party is the configured one: the issuer's host.
    expect(again.rp.id).toBe(new URL(server.issuer).hostname);
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("passkey_added");
  });

  it("signs in without an email typed; the session says hwk and mfa; a TOTP account is not asked for a code", async () => {
    const server = await startTestServer();
    const { client, authenticator, email } = await withPasskey(server);
    const { secret } = await client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
    await client.api.mfa.totp.confirm.mutate({ code: totpCodeAt(secret, server.clock.now()) });
    const result = await passkeySignIn(server, authenticator);
    expect(result.user.email).toBe(email);
    expect(amrOf(result.accessToken)).toEqual(["hwk", "mfa"]);
    const [listed] = await client.api.passkey.list.query();
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it("a challenge works once", async () => {
    const server = await startTestServer();
    const { authenticator } = await withPasskey(server);
    const api = server.client().api;
    const { challengeId, options } = await api.auth.beginPasskeyLogin.mutate();
    const rpId = new URL(server.issuer).hostname;
    await api.auth.finishPasskeyLogin.mutate({
      challengeId,
      response: authenticator.authenticate(options.challenge, rpId),
      transport: "body",
    });
    expect(
      await authCodeOf(
        api.auth.finishPasskeyLogin.mutate({
          challengeId,
          response: authenticator.authenticate(options.challenge, rpId),
          transport: "body",
        }),
      ),
    ).toBe("PASSKEY_INVALID");
  });

  it("a response for another origin or RP id is refused, at registration (nothing stored) and at sign-in", async () => {
    const server = await startTestServer();
    const { client } = await signedUp(server);
    const authenticator = new SoftAuthenticator(server.issuer);
    for (const tamper of [
      { origin: "https://evil.example" },
      { rpId: "evil.example" },
      { type: "webauthn.get" },
    ]) {
      const options = await client.api.passkey.beginRegistration.mutate();
      expect(
        await authCodeOf(
          client.api.passkey.finishRegistration.mutate({
            response: authenticator.register(options, tamper),
          }),
        ),
        JSON.stringify(tamper),
      ).toBe("PASSKEY_INVALID");
    }
    expect(await passkeyRows(server)).toBe(0);
    const registered = await withPasskey(server);
    expect(
      await authCodeOf(
        passkeySignIn(server, registered.authenticator, { origin: "https://evil.example" }),
      ),
    ).toBe("PASSKEY_INVALID");
    const api = server.client().api;
    const { challengeId, options } = await api.auth.beginPasskeyLogin.mutate();
    expect(
      await authCodeOf(
        api.auth.finishPasskeyLogin.mutate({
          challengeId,
          response: registered.authenticator.authenticate(options.challenge, "evil.example"),
        }),
      ),
    ).toBe("PASSKEY_INVALID");
  });

  it("a malformed attestation is a typed 400 that stores nothing", async () => {
    const server = await startTestServer();
    const { client } = await signedUp(server);
    const authenticator = new SoftAuthenticator(server.issuer);
    const options = await client.api.passkey.beginRegistration.mutate();
    const response = authenticator.register(options);
    response.response.attestationObject = Buffer.from("not cbor at all").toString("base64url");
    expect(await authCodeOf(client.api.passkey.finishRegistration.mutate({ response }))).toBe(
      "PASSKEY_INVALID",
    );
    const broken = await fetch(`${server.url}/trpc/passkey.finishRegistration`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${client.accessToken}`,
      },
      body: JSON.stringify({ response: { id: "x", type: "public-key" } }),
    });
    expect(broken.status).toBe(400);
    expect(
      ((await broken.json()) as { error: { data: { authCode: string } } }).error.data.authCode,
    ).toBe("INVALID_INPUT");
    expect(await passkeyRows(server)).toBe(0);
  });

  it("a registration answers only the challenge issued to the same account", async () => {
    const server = await startTestServer();
    const alice = await signedUp(server);
    const bob: { client: TestClient } = await signedUp(server);
    const options = await alice.client.api.passkey.beginRegistration.mutate();
    const response = new SoftAuthenticator(server.issuer).register(options);
    expect(await authCodeOf(bob.client.api.passkey.finishRegistration.mutate({ response }))).toBe(
      "PASSKEY_INVALID",
    );
    expect(await passkeyRows(server)).toBe(0);
  });

  it("a signature counter that goes backwards (a cloned authenticator) is refused and audited", async () => {
    const server = await startTestServer();
    const { authenticator, client } = await withPasskey(server);
    await passkeySignIn(server, authenticator, { counter: 5 });
    expect(await authCodeOf(passkeySignIn(server, authenticator, { counter: 5 }))).toBe(
      "PASSKEY_INVALID",
    );
    expect(await authCodeOf(passkeySignIn(server, authenticator, { counter: 3 }))).toBe(
      "PASSKEY_INVALID",
    );
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("passkey_counter_regressed");
    // The real authenticator, counting on, still gets in.
    await passkeySignIn(server, authenticator, { counter: 6 });
  });

  it("a forged signature or a response without user verification is refused, and is no counter event", async () => {
    const server = await startTestServer();
    const { authenticator, client } = await withPasskey(server);
    const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    expect(await authCodeOf(passkeySignIn(server, authenticator, { signWith: stranger }))).toBe(
      "PASSKEY_INVALID",
    );
    expect(await authCodeOf(passkeySignIn(server, authenticator, { flags: FLAGS.UP }))).toBe(
      "PASSKEY_INVALID",
    );
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).not.toContain("passkey_counter_regressed");
  });

  it("removes only the owner's passkey; a removed passkey signs nobody in", async () => {
    const server = await startTestServer();
    const { client, authenticator, id } = await withPasskey(server);
    const other = await signedUp(server);
    expect(await authCodeOf(other.client.api.passkey.remove.mutate({ id }))).toBe(
      "PASSKEY_NOT_FOUND",
    );
    expect(await client.api.passkey.remove.mutate({ id })).toEqual({ ok: true });
    expect(await client.api.passkey.list.query()).toEqual([]);
    expect(await authCodeOf(passkeySignIn(server, authenticator))).toBe("PASSKEY_INVALID");
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("passkey_removed");
  });
});
