import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import type { JWK } from "jose";
import { assertKeyFitsAlgorithm } from "./key-type.ts";
import { publicPart, type SigningAlgorithm, type SigningKeyRecord } from "./signing-key.ts";

export interface SigningKeyHandle {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

export interface VerificationKeyHandle {
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** A published key: the public JWK plus its `kid`, `alg` and `use`. */
export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; use: "sig" };

/**
 * The fixed set of keys the server signs and verifies with. Verification
 * selects a key only by `kid` from this set and pins the algorithm to the
 * key's own: a token can never bring its key (`jwk`, `jku`, `x5u`) or choose
 * its algorithm (RFC 8725 §3.1).
 *
 * `new KeyRing(records)` is the issuer's ring (exactly one current key signs);
 * `KeyRing.fromPublicJwks(keys)` is a verifier's ring built from a published
 * JWK Set, holding no private key, checked by the very same rules.
 */
export class KeyRing {
  private readonly signer: SigningKeyHandle | undefined;
  private readonly verifiers = new Map<string, VerificationKeyHandle>();
  private readonly published: PublicJwk[] = [];

  constructor(
    readonly records: readonly SigningKeyRecord[],
    publicKeys?: readonly PublicJwk[],
  ) {
    if (publicKeys) {
      if (records.length > 0) throw new Error("A key ring is built from records or public keys.");
      this.signer = undefined;
      for (const jwk of publicKeys) this.add(jwk.kid, jwk.alg, importPublicJwk(jwk), jwk);
      return;
    }
    const [current, ...extra] = records.filter((record) => record.status === "current");
    if (!current || extra.length > 0) {
      throw new Error(
        `A key ring needs exactly one current key, found ${extra.length + (current ? 1 : 0)}.`,
      );
    }
    this.signer = { kid: current.kid, alg: current.alg, key: importKey(current).privateKey };
    for (const record of records) {
      const publicJwk =
        record.alg === "HS256"
          ? undefined
          : ({
              ...publicPart(record.privateJwk),
              kid: record.kid,
              alg: record.alg,
              use: "sig",
            } as PublicJwk);
      this.add(record.kid, record.alg, importKey(record).publicKey, publicJwk);
    }
  }

  /**
   * A ring that only verifies, from public keys someone published (a resource
   * server's copy of the issuer's JWKS). Each key keeps the `alg` it was
   * published with; `signingKey()` throws.
   *
   * @example
   * const ring = KeyRing.fromPublicJwks(usableJwks(await (await fetch(jwksUri)).json()));
   */
  static fromPublicJwks(keys: readonly PublicJwk[]): KeyRing {
    return new KeyRing([], keys);
  }

  /** The key that signs new tokens. */
  signingKey(): SigningKeyHandle {
    if (!this.signer) throw new Error("This key ring only verifies: it holds no private key.");
    return this.signer;
  }

  /** The verification key for a `kid`, or undefined: unknown ids never reach any lookup but this map. */
  verificationKey(kid: string): VerificationKeyHandle | undefined {
    return this.verifiers.get(kid);
  }

  /** Every kid this ring verifies. */
  kids(): string[] {
    return [...this.verifiers.keys()];
  }

  /** The JWK Set to publish: public keys only, never a private member or an HMAC secret. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.published };
  }

  private add(
    kid: string,
    alg: SigningAlgorithm,
    key: KeyObject,
    publicJwk: PublicJwk | undefined,
  ): void {
    if (this.verifiers.has(kid)) throw new Error(`Duplicate kid ${kid}.`);
    this.verifiers.set(kid, { alg, key });
    if (publicJwk) this.published.push(publicJwk);
  }
}

function importKey(record: SigningKeyRecord): { privateKey: KeyObject; publicKey: KeyObject } {
  if (record.alg === "HS256") {
    if (typeof record.privateJwk.k !== "string")
      throw new Error(`Key ${record.kid} has no secret.`);
    const secret = createSecretKey(Buffer.from(record.privateJwk.k, "base64url"));
    return { privateKey: secret, publicKey: secret };
  }
  const privateKey = createPrivateKey({ key: record.privateJwk as never, format: "jwk" });
  assertKeyFitsAlgorithm(privateKey, record.alg, record.kid);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Imports only the public members, so a JWK that (wrongly) carries private ones still yields a public key. */
function importPublicJwk(jwk: PublicJwk): KeyObject {
  if (jwk.alg === "HS256") throw new Error(`Key ${jwk.kid}: a symmetric key is never published.`);
  const publicKey = createPublicKey({ key: publicPart(jwk) as never, format: "jwk" });
  assertKeyFitsAlgorithm(publicKey, jwk.alg, jwk.kid);
  return publicKey;
}
