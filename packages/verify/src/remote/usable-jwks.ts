import { isVerifiableAlgorithm } from "../keys/key-type.ts";
import { type PublicJwk, publicPart } from "../keys/public-jwk.ts";
import { PublicKeyRing } from "../keys/public-key-ring.ts";
import { RemoteKeysError } from "./remote-keys-error.ts";

const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The keys of a fetched JWK Set (RFC 7517 §5) that a verifier may use: each
 * must name its `kid` and its `alg` (the algorithm is pinned by the publisher,
 * never guessed and never taken from a token), be a signature key, and be of
 * the type its algorithm needs. A key that carries private members is refused
 * outright: whoever published it has leaked it. Keys that do not qualify are
 * skipped, as RFC 7517 §5 asks; a `kid` that appears twice is ambiguous, so
 * every key with it is skipped. Throws only when the document is no JWK Set.
 */
export function usableJwks(document: unknown): PublicJwk[] {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (typeof document !== "object" || document === null || !Array.isArray(keys)) {
    throw new RemoteKeysError("ERR_JWKS_INVALID", "The document is not a JWK Set.");
  }
  const candidates = keys.filter(isCandidate);
  const seen = new Map<string, number>();
  for (const jwk of candidates) seen.set(jwk.kid, (seen.get(jwk.kid) ?? 0) + 1);
  return candidates.filter((jwk) => seen.get(jwk.kid) === 1 && imports(jwk));
}

function isCandidate(value: unknown): value is PublicJwk {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const jwk = value as Record<string, unknown>;
  const keyOps = jwk.key_ops;
  return (
    typeof jwk.kid === "string" &&
    KID_PATTERN.test(jwk.kid) &&
    isVerifiableAlgorithm(jwk.alg) &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (keyOps === undefined || (Array.isArray(keyOps) && keyOps.includes("verify"))) &&
    Object.keys(publicPart(jwk)).length === Object.keys(jwk).length
  );
}

function imports(jwk: PublicJwk): boolean {
  try {
    PublicKeyRing.fromJwks([jwk]);
    return true;
  } catch {
    return false;
  }
}
