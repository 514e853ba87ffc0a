import type { KeyObject } from "node:crypto";

/** One key a token may be checked with, and the one algorithm it is pinned to. */
export interface VerificationKey {
  alg: string;
  key: KeyObject;
}

/**
 * Where a verifier finds the key for a token's `kid`: Sesame's own key ring
 * (which also signs) and a service's copy of the published JWK Set
 * (`PublicKeyRing`) both are one. A `kid` is only ever a lookup key here.
 */
export interface VerificationKeys {
  verificationKey(kid: string): VerificationKey | undefined;
}
