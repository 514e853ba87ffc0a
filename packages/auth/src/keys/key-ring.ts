import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import type { JWK } from "jose";
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
 */
export class KeyRing {
  private readonly signer: SigningKeyHandle;
  private readonly verifiers = new Map<string, VerificationKeyHandle>();
  private readonly published: PublicJwk[] = [];

  constructor(readonly records: readonly SigningKeyRecord[]) {
    const [current, ...extra] = records.filter((record) => record.status === "current");
    if (!current || extra.length > 0) {
      throw new Error(
        `A key ring needs exactly one current key, found ${extra.length + (current ? 1 : 0)}.`,
      );
    }
    this.signer = { kid: current.kid, alg: current.alg, key: importKey(current).privateKey };
    for (const record of records) {
      if (this.verifiers.has(record.kid)) throw new Error(`Duplicate kid ${record.kid}.`);
      this.verifiers.set(record.kid, { alg: record.alg, key: importKey(record).publicKey });
      if (record.alg !== "HS256") {
        this.published.push({
          ...publicPart(record.privateJwk),
          kid: record.kid,
          alg: record.alg,
          use: "sig",
        });
      }
    }
  }

  /** The key that signs new tokens. */
  signingKey(): SigningKeyHandle {
    return this.signer;
  }

  /** The verification key for a `kid`, or undefined: unknown ids never reach any lookup but this map. */
  verificationKey(kid: string): VerificationKeyHandle | undefined {
    return this.verifiers.get(kid);
  }

  /** The JWK Set to publish: public keys only, never a private member or an HMAC secret. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.published };
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
  const expected = EXPECTED_KEY_TYPE[record.alg];
  if (
    privateKey.asymmetricKeyType !== expected.type ||
    privateKey.asymmetricKeyDetails?.namedCurve !== expected.curve
  ) {
    throw new Error(`Key ${record.kid} does not fit its algorithm ${record.alg}.`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The algorithm is pinned per key, so a key must be of the one type its algorithm allows. */
const EXPECTED_KEY_TYPE = {
  EdDSA: { type: "ed25519", curve: undefined },
  ES256: { type: "ec", curve: "prime256v1" },
  RS256: { type: "rsa", curve: undefined },
} as const;
