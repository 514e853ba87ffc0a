import { createPublicKey } from "node:crypto";
import { assertKeyFitsAlgorithm, isVerifiableAlgorithm } from "./key-type.ts";
import { type PublicJwk, publicPart } from "./public-jwk.ts";
import type { VerificationKey, VerificationKeys } from "./verification-keys.ts";

/**
 * A verifier's ring, built from the keys an issuer published: it holds no
 * private key and checks tokens by the very same rules as the issuer's own
 * ring — the key chosen by `kid` alone, the algorithm pinned to the one the
 * key was published with.
 *
 * @example
 * const ring = PublicKeyRing.fromJwks(usableJwks(await (await fetch(jwksUri)).json()));
 */
export class PublicKeyRing implements VerificationKeys {
  private readonly keys = new Map<string, VerificationKey>();

  private constructor(jwks: readonly PublicJwk[]) {
    for (const jwk of jwks) {
      if (this.keys.has(jwk.kid)) throw new Error(`Duplicate kid ${jwk.kid}.`);
      this.keys.set(jwk.kid, { alg: jwk.alg, key: importPublicJwk(jwk) });
    }
  }

  /** Throws for a key that does not import, does not fit its `alg`, or repeats a `kid`. */
  static fromJwks(jwks: readonly PublicJwk[]): PublicKeyRing {
    return new PublicKeyRing(jwks);
  }

  verificationKey(kid: string): VerificationKey | undefined {
    return this.keys.get(kid);
  }

  kids(): string[] {
    return [...this.keys.keys()];
  }
}

/** Imports only the public members, so a JWK that (wrongly) carries private ones still yields a public key. */
function importPublicJwk(jwk: PublicJwk) {
  if (!isVerifiableAlgorithm(jwk.alg)) {
    throw new Error(`Key ${jwk.kid}: ${String(jwk.alg)} is not a published-key algorithm.`);
  }
  const publicKey = createPublicKey({ key: publicPart(jwk) as never, format: "jwk" });
  assertKeyFitsAlgorithm(publicKey, jwk.alg, jwk.kid);
  return publicKey;
}
