import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createRemoteVerifier,
  RemoteKeysError,
  type RemoteVerifierOptions,
  TokenError,
} from "../src/index.ts";
import { AUDIENCE, ManualClock, startIssuerStub, stubKey } from "./support/issuer-stub.ts";

const JWKS_PATH = "/.well-known/jwks.json";
const DISCOVERY_PATH = "/.well-known/openid-configuration";

async function setup(options: Partial<RemoteVerifierOptions> = {}) {
  const clock = new ManualClock();
  const stub = await startIssuerStub(() => clock.now());
  stub.published.push(await stubKey("EdDSA")); // the `next` key, published before it signs
  const verifier = createRemoteVerifier({
    issuer: stub.issuer,
    audience: AUDIENCE,
    clock,
    ...options,
  });
  return { clock, stub, verifier };
}

/** The stable code a verification failed with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenError || error instanceof RemoteKeysError) return error.code;
    throw error;
  }
  return "ok";
}

const foreignKey = generateKeyPairSync("ed25519").privateKey;

/** Any header at all, signed with the foreign key: what an attacker can send. */
function rawToken(header: object, payload: object): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), foreignKey).toString("base64url")}`;
}

/** A well-formed, well-signed token from a key the issuer never had. */
function foreignToken(issuer: string, kid: string, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ sid: "session-1", role: "user" })
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject("user-1")
    .setJti("jti-foreign")
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(foreignKey);
}

describe("RemoteVerifier", () => {
  it("discovers the JWK Set from the issuer and verifies a token with one fetch of each", async () => {
    const { stub, verifier } = await setup();
    const claims = await verifier.verify(await stub.accessToken());
    expect(claims).toMatchObject({
      sub: "user-1",
      sid: "session-1",
      role: "user",
      amr: [],
      iss: stub.issuer,
    });
    for (let i = 0; i < 20; i += 1)
      await verifier.verify(await stub.accessToken({ iatOffset: -i }));
    expect(stub.requests.get(DISCOVERY_PATH)).toBe(1);
    expect(stub.requests.get(JWKS_PATH)).toBe(1);
    expect(verifier.keyFetches).toBe(2);
  });

  it("uses a configured JWKS URL without discovery", async () => {
    const { stub } = await setup();
    const verifier = createRemoteVerifier({
      issuer: stub.issuer,
      audience: AUDIENCE,
      jwksUri: stub.jwksUri,
      clock: new ManualClock(),
    });
    expect((await verifier.verify(await stub.accessToken())).sub).toBe("user-1");
    expect(stub.requests.get(DISCOVERY_PATH)).toBeUndefined();
    expect(stub.requests.get(JWKS_PATH)).toBe(1);
  });

  it("survives a flood of unknown kids with at most one fetch per cool-down", async () => {
    const { clock, stub, verifier } = await setup({ cooldownMs: 30_000 });
    await verifier.verify(await stub.accessToken());
    const baseline = stub.requests.get(JWKS_PATH) ?? 0;

    const randomKidTokens = () =>
      Promise.all(
        Array.from({ length: 500 }, () =>
          foreignToken(stub.issuer, randomBytes(12).toString("base64url"), clock.now()),
        ),
      );
    // Right after the first fetch, the cool-down holds: no fetch at all.
    const first = await Promise.all(
      (await randomKidTokens()).map((t) => failure(verifier.verify(t))),
    );
    expect(new Set(first)).toEqual(new Set(["TOKEN_INVALID"]));
    expect(stub.requests.get(JWKS_PATH)).toBe(baseline);

    // After the cool-down, 500 concurrent and then 500 sequential unknown kids cost one fetch.
    clock.advance(30_000);
    const tokens = await randomKidTokens();
    const concurrent = await Promise.all(tokens.map((t) => failure(verifier.verify(t))));
    for (const token of await randomKidTokens()) {
      expect(await failure(verifier.verify(token))).toBe("TOKEN_INVALID");
    }
    expect(new Set(concurrent)).toEqual(new Set(["TOKEN_INVALID"]));
    expect(stub.requests.get(JWKS_PATH)).toBe(baseline + 1);

    clock.advance(29_999);
    await Promise.all((await randomKidTokens()).map((t) => failure(verifier.verify(t))));
    expect(stub.requests.get(JWKS_PATH)).toBe(baseline + 1);
    clock.advance(1);
    await Promise.all((await randomKidTokens()).map((t) => failure(verifier.verify(t))));
    expect(stub.requests.get(JWKS_PATH)).toBe(baseline + 2);
  });

  it("follows a rotation: the pre-published key needs no fetch, an unknown new key one refetch", async () => {
    const { clock, stub, verifier } = await setup();
    stub.cacheControl = "public, max-age=3600";
    const before = await stub.accessToken();
    await verifier.verify(before);
    expect(stub.requests.get(JWKS_PATH)).toBe(1);

    // The `next` key was published with the first set: it starts signing.
    clock.advance(10 * 60_000);
    stub.signer = stub.published[1] ?? stub.signer;
    const after = await stub.accessToken();
    expect((await verifier.verify(after)).sub).toBe("user-1");
    expect(stub.requests.get(JWKS_PATH)).toBe(1);

    // A key that was never published as next (a forced emergency rotation), of another algorithm.
    const emergencyKey = await stubKey("ES256");
    stub.published.push(emergencyKey);
    stub.signer = emergencyKey;
    clock.advance(31_000);
    const emergency = await stub.accessToken();
    expect((await verifier.verify(emergency)).sub).toBe("user-1");
    expect(stub.requests.get(JWKS_PATH)).toBe(2);
    // Tokens of every earlier key still verify (their keys are retired, still published).
    expect((await verifier.verify(after)).sub).toBe("user-1");
  });

  it("refetches a stale key set after its Cache-Control max-age", async () => {
    const { clock, stub, verifier } = await setup();
    stub.cacheControl = "public, max-age=120";
    await verifier.verify(await stub.accessToken());
    clock.advance(119_999);
    await verifier.verify(await stub.accessToken());
    expect(stub.requests.get(JWKS_PATH)).toBe(1);
    clock.advance(1);
    await verifier.verify(await stub.accessToken());
    expect(stub.requests.get(JWKS_PATH)).toBe(2);
  });

  it("keeps the last good keys when a refresh fails", async () => {
    const { clock, stub, verifier } = await setup();
    await verifier.verify(await stub.accessToken());
    stub.answer.set(JWKS_PATH, { status: 500, body: "down" });
    clock.advance(10 * 60_000);
    expect((await verifier.verify(await stub.accessToken())).sub).toBe("user-1");
    expect(stub.requests.get(JWKS_PATH)).toBe(2);
  });

  it("applies the server's rules: expiry with tolerance, issuer, audience, token type", async () => {
    const { clock, stub, verifier } = await setup();
    const token = await stub.accessToken({ ttl: 600 });
    clock.advance(629_000);
    expect(await failure(verifier.verify(token))).toBe("ok");
    clock.advance(1_000);
    expect(await failure(verifier.verify(token))).toBe("TOKEN_EXPIRED");

    expect(await failure(verifier.verify(await stub.accessToken({ iatOffset: 31 })))).toBe(
      "TOKEN_INVALID",
    );
    expect(await failure(verifier.verify(await stub.refreshToken()))).toBe("TOKEN_INVALID");
    const otherAudience = createRemoteVerifier({ issuer: stub.issuer, audience: "other", clock });
    expect(await failure(otherAudience.verify(await stub.accessToken()))).toBe("TOKEN_INVALID");
    const otherIssuer = createRemoteVerifier({
      issuer: "https://id.example.test",
      audience: AUDIENCE,
      jwksUri: stub.jwksUri,
      clock,
    });
    expect(await failure(otherIssuer.verify(await stub.accessToken()))).toBe("TOKEN_INVALID");
  });

  it("refuses a well-signed token without a role the server knows, or with a malformed amr", async () => {
    const { stub, verifier } = await setup();
    const admin = await verifier.verify(
      await stub.accessToken({ extraClaims: { role: "admin", amr: ["pwd", "otp", "mfa"] } }),
    );
    expect(admin).toMatchObject({ role: "admin", amr: ["pwd", "otp", "mfa"] });
    const refused: Record<string, unknown>[] = [
      {},
      { role: "root" },
      { role: "" },
      { role: "user", amr: "pwd" },
      { role: "user", amr: [1] },
    ];
    for (const extraClaims of refused) {
      const token = await stub.accessToken({ extraClaims });
      expect(await failure(verifier.verify(token)), JSON.stringify(extraClaims)).toBe(
        "TOKEN_INVALID",
      );
    }
  });

  it("refuses tokens that bring their own key or key URL, and never contacts that URL", async () => {
    const { clock, stub, verifier } = await setup();
    const canary = await startIssuerStub(() => clock.now());
    const now = Math.floor(clock.now() / 1000);
    const kid = stub.signer.kid;
    const headers = [
      { jwk: stub.signer.publicJwk },
      { jku: canary.jwksUri },
      { x5u: `${canary.issuer}/cert.pem` },
      { crit: ["exp"] },
      { b64: false, crit: ["b64"] },
    ];
    const claims = { iss: stub.issuer, aud: AUDIENCE, sub: "user-1", sid: "s", role: "user" };
    for (const extra of headers) {
      const header = { alg: "EdDSA", typ: "at+jwt", kid, ...extra };
      const token = rawToken(header, { ...claims, jti: "j", iat: now, exp: now + 600 });
      expect(await failure(verifier.verify(token)), JSON.stringify(extra)).toBe("TOKEN_INVALID");
    }
    expect(canary.total()).toBe(0);
    // Nothing about these tokens was worth a key fetch either.
    expect(stub.total()).toBe(0);
  });

  it("refuses a token whose header switches to another algorithm, without fetching", async () => {
    const { stub, verifier } = await setup();
    const token = await stub.accessToken();
    await verifier.verify(token);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const decoded = JSON.parse(Buffer.from(header, "base64url").toString());
    for (const alg of ["ES256", "RS256", "HS256", "none", "PS256"]) {
      const switched = Buffer.from(JSON.stringify({ ...decoded, alg })).toString("base64url");
      expect(await failure(verifier.verify(`${switched}.${payload}.${signature}`)), alg).toBe(
        "TOKEN_INVALID",
      );
    }
    expect(stub.requests.get(JWKS_PATH)).toBe(1);
  });

  it("reports an unreachable or lying issuer as RemoteKeysError, not as a bad token", async () => {
    const { stub, verifier, clock } = await setup({ cooldownMs: 30_000 });
    stub.answer.set(DISCOVERY_PATH, {
      status: 200,
      body: JSON.stringify({ issuer: "https://evil.example", jwks_uri: stub.jwksUri }),
    });
    expect(await failure(verifier.verify(await stub.accessToken()))).toBe("ERR_DISCOVERY_INVALID");
    // Within the cool-down the failure is remembered, not retried.
    expect(await failure(verifier.verify(await stub.accessToken()))).toBe("ERR_DISCOVERY_INVALID");
    expect(stub.requests.get(DISCOVERY_PATH)).toBe(1);

    stub.answer.set(DISCOVERY_PATH, { status: 503, body: "" });
    clock.advance(30_000);
    expect(await failure(verifier.verify(await stub.accessToken()))).toBe("ERR_JWKS_UNAVAILABLE");

    stub.answer.delete(DISCOVERY_PATH);
    stub.answer.set(JWKS_PATH, {
      status: 302,
      headers: { location: "http://127.0.0.1:9/" },
      body: "",
    });
    clock.advance(30_000);
    expect(await failure(verifier.verify(await stub.accessToken()))).toBe("ERR_JWKS_UNAVAILABLE");

    stub.answer.delete(JWKS_PATH);
    clock.advance(30_000);
    expect(await failure(verifier.verify(await stub.accessToken()))).toBe("ok");
  });
});
