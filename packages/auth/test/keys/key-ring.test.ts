import { generateKeyPairSync } from "node:crypto";
import { PublicKeyRing, type VerificationKeys } from "@sesame/verify/rules";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN,
  generateSigningKey,
  KeyRing,
  SIGNING_ALGORITHMS,
  signToken,
  verifyToken,
} from "../../src/index.ts";
import { TEST_CONFIG } from "../support/keys.ts";

const NOW = Date.UTC(2026, 5, 1);
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

async function mixedRing() {
  const records = [
    await generateSigningKey("EdDSA", "current", NOW),
    await generateSigningKey("ES256", "next", NOW),
    await generateSigningKey("RS256", "retired", NOW),
  ];
  return { records, ring: new KeyRing(records) };
}

function sign(ring: KeyRing): Promise<string> {
  const now = NOW / 1000;
  const subject = { userId: "user-1", sessionId: "session-1" };
  return signToken(ACCESS_TOKEN, ring, TEST_CONFIG, subject, "jti-1", now, now + 600);
}

const verify = (ring: VerificationKeys, token: string) =>
  verifyToken(ACCESS_TOKEN, ring, TEST_CONFIG, token, NOW, 30).then((r) => r.ok);

describe("KeyRing", () => {
  it.each(SIGNING_ALGORITHMS)("publishes no private member of a %s key", async (alg) => {
    const ring = new KeyRing([await generateSigningKey(alg, "current", NOW)]);
    const { keys } = ring.jwks();
    expect(keys).toHaveLength(alg === "HS256" ? 0 : 1);
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(key).toMatchObject({ alg, use: "sig", kid: ring.signingKey().kid });
    }
  });

  it("publishes keys from which another service's ring accepts the issuer's tokens", async () => {
    const { ring } = await mixedRing();
    const verifier = PublicKeyRing.fromJwks(ring.jwks().keys);
    expect(verifier.kids()).toEqual(ring.kids());
    expect(await verify(verifier, await sign(ring))).toBe(true);
  });

  it("pins each key's algorithm: a token naming one key with another key's algorithm is refused", async () => {
    const { records, ring } = await mixedRing();
    const token = await sign(ring);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const decoded = JSON.parse(Buffer.from(header, "base64url").toString());
    for (const alg of ["ES256", "RS256", "HS256", "PS256", "none"]) {
      const switched = Buffer.from(JSON.stringify({ ...decoded, alg })).toString("base64url");
      expect(await verify(ring, `${switched}.${payload}.${signature}`)).toBe(false);
    }
    // Re-signed for real by the ES256 key, but naming the EdDSA key's kid.
    const es256 = records[1];
    const esKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const foreign = await new SignJWT({ sid: "session-1" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: records[0]?.kid ?? "" })
      .setIssuer(TEST_CONFIG.issuer)
      .setAudience(TEST_CONFIG.audience)
      .setSubject("user-1")
      .setJti("jti-2")
      .setIssuedAt(NOW / 1000)
      .setExpirationTime(NOW / 1000 + 600)
      .sign(esKey);
    expect(es256?.alg).toBe("ES256");
    expect(await verify(ring, foreign)).toBe(false);
  });
});
