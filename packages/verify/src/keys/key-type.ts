import type { KeyObject } from "node:crypto";

/** The asymmetric algorithms a published key may be pinned to: never a shared secret. */
export const VERIFIABLE_ALGORITHMS = ["EdDSA", "ES256", "RS256"] as const;
export type VerifiableAlgorithm = (typeof VERIFIABLE_ALGORITHMS)[number];

export const isVerifiableAlgorithm = (alg: unknown): alg is VerifiableAlgorithm =>
  (VERIFIABLE_ALGORITHMS as readonly unknown[]).includes(alg);

/** The algorithm is pinned per key, so a key must be of the one type its algorithm allows. */
const EXPECTED_KEY_TYPE = {
  EdDSA: { type: "ed25519", curve: undefined },
  ES256: { type: "ec", curve: "prime256v1" },
  RS256: { type: "rsa", curve: undefined },
} as const;

/** RFC 7518 §3.3: an RSA key for RS256 must be 2048 bits or larger. */
const MIN_RSA_BITS = 2048;

/**
 * Throws unless an asymmetric key is of the type its pinned algorithm needs:
 * an Ed25519 key for EdDSA, a P-256 key for ES256, an RSA key of at least
 * 2048 bits for RS256. A mismatch would let one algorithm's rules be applied
 * to another's key (RFC 8725 §3.1).
 */
export function assertKeyFitsAlgorithm(
  key: KeyObject,
  alg: VerifiableAlgorithm,
  kid: string,
): void {
  const expected = EXPECTED_KEY_TYPE[alg];
  const details = key.asymmetricKeyDetails;
  if (
    key.asymmetricKeyType !== expected.type ||
    details?.namedCurve !== expected.curve ||
    (alg === "RS256" && (details?.modulusLength ?? 0) < MIN_RSA_BITS)
  ) {
    throw new Error(`Key ${kid} does not fit its algorithm ${alg}.`);
  }
}
