import { generateSigningKey, KeyRing, type SigningAlgorithm } from "../../src/index.ts";

/** A fresh key ring with one current key of the algorithm. */
export async function testKeyRing(alg: SigningAlgorithm = "EdDSA"): Promise<KeyRing> {
  return new KeyRing([await generateSigningKey(alg, "current", Date.now())]);
}

export const TEST_CONFIG = {
  issuer: "https://id.example.test",
  audience: "sesame",
  accessTokenTtl: 600,
  clockTolerance: 30,
};
