import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from "node:crypto";
import {
  assertKeyFitsAlgorithm,
  type PublicJwk,
  publicPart,
  type VerificationKeys,
} from "@sesame/verify/rules";
import type { SigningAlgorithm, SigningKeyRecord } from "./signing-key.ts";

export interface SigningKeyHandle {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

export interface VerificationKeyHandle {
  alg: SigningAlgorithm;
  key: KeyObject;
}

/**
 * The fixed set of keys the server signs and verifies with. Verification
 * selects a key only by `kid` from this set and pins the algorithm to the
 * key's own: a token can never bring its key (`jwk`, `jku`, `x5u`) or choose
 * its algorithm (RFC 8725 §3.1). Exactly one current key signs. A verifier
 * elsewhere builds its ring from the published keys (`PublicKeyRing` in
 * `@sesame/verify`) and checks tokens by the very same rules.
 */
export class KeyRing implements VerificationKeys {
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

  /** The key that signs new tokens. */
  signingKey(): SigningKeyHandle {
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
