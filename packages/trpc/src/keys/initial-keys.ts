import { generateSigningKey, type SigningAlgorithm, type SigningKeyRecord } from "@sesame/auth";

/**
 * A first key set: one key that signs and one already published as `next`, so
 * the first rotation promotes a key every verifier has had for a while.
 */
export async function initialKeys(alg: SigningAlgorithm, now: number): Promise<SigningKeyRecord[]> {
  return [
    await generateSigningKey(alg, "current", now),
    await generateSigningKey(alg, "next", now),
  ];
}
