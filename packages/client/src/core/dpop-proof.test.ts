import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createDpopProof, publicJwk } from "./dpop-proof.ts";

const HTU = "https://sesame.example/trpc/auth.refresh";
const claims = { htm: "POST", htu: HTU, iat: 1_767_225_600 };

describe("createDpopProof", () => {
  let keys: CryptoKeyPair;

  beforeAll(async () => {
    // As the browser makes it: the private key can sign but never be exported.
    keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
      "verify",
    ]);
  });

  // jose is an independent JWS implementation (the one the server checks proofs with).
  const verify = (proof: string) =>
    jwtVerify(proof, EmbeddedJWK, {
      typ: "dpop+jwt",
      algorithms: ["ES256"],
      currentDate: new Date(claims.iat * 1000),
    });

  it("is an ES256 JWS that verifies with the key embedded in its own header", async () => {
    const proof = await createDpopProof(keys, claims);

    const { protectedHeader, payload } = await verify(proof);

    expect(protectedHeader.typ).toBe("dpop+jwt");
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toEqual({ jti: expect.any(String), htm: "POST", htu: HTU, iat: claims.iat });
  });

  it("shows only the public members of this very key, never the private one", async () => {
    const { jwk } = decodeProtectedHeader(await createDpopProof(keys, claims));

    expect(Object.keys(jwk ?? {}).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-256" });
    // The thumbprint the server binds the session to is the key's own.
    expect(await calculateJwkThumbprint(jwk ?? {})).toBe(
      await calculateJwkThumbprint(await publicJwk(keys.publicKey)),
    );
  });

  it("carries a fresh jti of at least 128 random bits each time", async () => {
    const proofs = await Promise.all([1, 2, 3, 4, 5].map(() => createDpopProof(keys, claims)));
    const jtis = await Promise.all(
      proofs.map(async (proof) => (await verify(proof)).payload.jti as string),
    );

    expect(new Set(jtis).size).toBe(5);
    for (const jti of jtis) {
      expect(jti).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(jti, "base64url").length).toBeGreaterThanOrEqual(16);
    }
  });

  it("is refused when signed by another key than the one it shows", async () => {
    const other = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
      "verify",
    ]);
    const forged = await createDpopProof(
      { publicKey: keys.publicKey, privateKey: other.privateKey },
      claims,
    );

    await expect(verify(forged)).rejects.toThrow(/signature verification failed/);
  });
});
