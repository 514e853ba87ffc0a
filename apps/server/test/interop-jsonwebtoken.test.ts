import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { authCodeOf, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const AUDIENCE = "sesame";

/** The PEM of the JWKS key a token names, as any service would get it: over HTTP, by kid. */
async function publicPemFor(server: TestServer, token: string): Promise<string> {
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded?.header.kid;
  const metadata = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
  expect(metadata.issuer).toBe(server.issuer);
  const jwksPath = new URL(metadata.jwks_uri).pathname;
  const { keys } = await (await fetch(`${server.url}${jwksPath}`)).json();
  const jwk = keys.find((key: { kid: string }) => key.kid === kid);
  if (!jwk) throw new Error(`No published key for kid ${kid}`);
  return createPublicKey({ key: jwk, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
}

const foreignKey = (alg: "RS256" | "ES256") =>
  alg === "RS256"
    ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;

/**
 * Interoperability with the npm `jsonwebtoken` package (v9), which knows RS256
 * and ES256 but not EdDSA: it must accept Sesame's tokens with nothing but the
 * published JWKS, and Sesame must refuse what it signs with any other key.
 */
describe.each(["RS256", "ES256"] as const)("jsonwebtoken and Sesame with %s", (alg) => {
  it("jsonwebtoken verifies Sesame's access token with the key from the JWKS", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { result } = await signedUp(server);
    const pem = await publicPemFor(server, result.accessToken);

    const verified = jwt.verify(result.accessToken, pem, {
      algorithms: [alg],
      issuer: server.issuer,
      audience: AUDIENCE,
      clockTolerance: 30,
      complete: true,
    });
    expect(verified.header).toMatchObject({ alg, typ: "at+jwt" });
    expect(verified.payload).toMatchObject({
      sub: result.user.id,
      iss: server.issuer,
      role: "user",
    });

    // jsonwebtoken really checks: the wrong algorithm list or issuer is refused there too.
    const other = alg === "RS256" ? "ES256" : "RS256";
    expect(() => jwt.verify(result.accessToken, pem, { algorithms: [other] })).toThrow(
      /invalid algorithm/,
    );
    expect(() =>
      jwt.verify(result.accessToken, pem, { algorithms: [alg], issuer: "https://evil.example" }),
    ).toThrow(/jwt issuer invalid/);
  });

  it("Sesame refuses tokens jsonwebtoken signs with a foreign key or with the public key as an HMAC secret", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { client, result } = await signedUp(server);
    const claims = jwt.decode(result.accessToken) as jwt.JwtPayload;
    const kid = jwt.decode(result.accessToken, { complete: true })?.header.kid ?? "";
    const pem = await publicPemFor(server, result.accessToken);

    const forgeries = [
      jwt.sign({ ...claims, jti: "f1" }, foreignKey(alg), {
        algorithm: alg,
        keyid: kid,
        header: { alg, typ: "at+jwt" },
      }),
      jwt.sign({ ...claims, jti: "f2" }, foreignKey(alg), {
        algorithm: alg,
        keyid: randomBytes(16).toString("base64url"),
        header: { alg, typ: "at+jwt" },
      }),
      // Algorithm confusion (RFC 8725 §2.1): HS256 keyed with the published public key.
      jwt.sign({ ...claims, jti: "f3" }, pem, {
        algorithm: "HS256",
        keyid: kid,
        header: { alg: "HS256", typ: "at+jwt" },
      }),
    ];
    for (const forged of forgeries) {
      expect(jwt.decode(forged, { complete: true })?.header.typ).toBe("at+jwt");
      const attacker = server.client({ accessToken: forged });
      expect(await authCodeOf(attacker.api.user.me.query())).toBe("TOKEN_INVALID");
    }
    expect((await client.api.user.me.query()).id).toBe(result.user.id);
  });
});
