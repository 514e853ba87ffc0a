import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pyjwtSignForeign, pyjwtVerify } from "./support/python/pyjwt.ts";
import { authCodeOf, signedUp, startTestServer } from "./support/test-server.ts";

const AUDIENCE = "sesame";
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as {
    alg: string;
    kid: string;
    typ: string;
  };

/**
 * Interoperability with PyJWT (Debian python3-jwt on python3-cryptography):
 * Python code nobody here wrote, finding the keys through Sesame's discovery
 * document and JWKS, must accept Sesame's tokens — and Sesame must refuse the
 * tokens PyJWT signs with a key of its own.
 */
describe.each(["EdDSA", "ES256", "RS256"] as const)("PyJWT and Sesame with %s", (alg) => {
  it("PyJWT verifies Sesame's access token through PyJWKClient and through jwt.PyJWK", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { result } = await signedUp(server);
    const token = result.accessToken;

    for (const via of ["client", "jwk"] as const) {
      const verified = await pyjwtVerify(server.issuer, AUDIENCE, alg, token, via);
      if ("error" in verified)
        throw new Error(`PyJWT (${via}) refused the token: ${verified.error}`);
      expect(verified.header).toEqual({ alg, typ: "at+jwt", kid: headerOf(token).kid });
      expect(verified.claims).toMatchObject({
        iss: server.issuer,
        aud: AUDIENCE,
        sub: result.user.id,
        exp: result.accessTokenExpiresAt,
      });
      expect(verified.claims.sid).toBeTypeOf("string");
    }

    // PyJWT really checks: one changed payload byte, or the wrong audience, fails there too.
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url")}.${s}`;
    expect(await pyjwtVerify(server.issuer, AUDIENCE, alg, tampered)).toEqual({
      error: expect.stringMatching(/InvalidSignatureError/),
    });
    expect(await pyjwtVerify(server.issuer, "someone-else", alg, token)).toEqual({
      error: expect.stringMatching(/InvalidAudienceError/),
    });
  });

  it("Sesame refuses a token PyJWT signed with a foreign key, whatever kid it names", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { client, result } = await signedUp(server);
    const real = JSON.parse(
      Buffer.from(result.accessToken.split(".")[1] ?? "", "base64url").toString(),
    );

    for (const kid of [headerOf(result.accessToken).kid, randomBytes(16).toString("base64url")]) {
      const forged = await pyjwtSignForeign(alg, kid, { ...real, jti: `forged-${kid}` });
      expect(headerOf(forged)).toEqual({ alg, kid, typ: "at+jwt" });
      const attacker = server.client({ accessToken: forged });
      expect(await authCodeOf(attacker.api.user.me.query())).toBe("TOKEN_INVALID");
    }
    // The genuine token still works: the refusal was about the signature.
    expect((await client.api.user.me.query()).id).toBe(result.user.id);
  });
});
