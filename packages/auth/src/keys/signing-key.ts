import { generateKeyPairSync, randomBytes } from "node:crypto";
import { publicPart } from "@sesame/verify/rules";
import { calculateJwkThumbprint, type JWK } from "jose";

/** EdDSA (Ed25519) is the default: small, fast, deterministic signatures. */
export const SIGNING_ALGORITHMS = ["EdDSA", "ES256", "RS256", "HS256"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * A key's place in its life: `next` is published but does not sign yet (so
 * verifiers have it cached before the first token), `current` signs, `retired`
 * is published until the last token it signed has expired.
 */
export type KeyStatus = "next" | "current" | "retired";

/** A signing key as persisted (key file or configuration). Times in epoch ms. */
export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlgorithm;
  status: KeyStatus;
  createdAt: number;
  activatedAt?: number;
  retiredAt?: number;
  /** The private JWK (for HS256, the `oct` secret). Never logged, never published. */
  privateJwk: JWK;
}

/**
 * Makes a fresh key. The `kid` of an asymmetric key is its RFC 7638 thumbprint,
 * so the same key always has the same id; an HMAC key gets a random one.
 */
export async function generateSigningKey(
  alg: SigningAlgorithm,
  status: KeyStatus,
  now: number,
): Promise<SigningKeyRecord> {
  const privateJwk = generatePrivateJwk(alg);
  const kid =
    alg === "HS256"
      ? randomBytes(16).toString("base64url")
      : await calculateJwkThumbprint(publicPart(privateJwk), "sha256");
  return {
    kid,
    alg,
    status,
    createdAt: now,
    ...(status === "current" ? { activatedAt: now } : {}),
    privateJwk,
  };
}

function generatePrivateJwk(alg: SigningAlgorithm): JWK {
  switch (alg) {
    case "EdDSA":
      return generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }) as JWK;
    case "ES256":
      return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
        format: "jwk",
      }) as JWK;
    case "RS256":
      return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        format: "jwk",
      }) as JWK;
    case "HS256":
      return { kty: "oct", k: randomBytes(32).toString("base64url") };
  }
}
