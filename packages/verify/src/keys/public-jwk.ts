import type { JWK } from "jose";
import type { VerifiableAlgorithm } from "./key-type.ts";

/** A published key: the public JWK plus its `kid`, its pinned `alg` and `use`. */
export type PublicJwk = JWK & { kid: string; alg: VerifiableAlgorithm; use: "sig" };

const PRIVATE_JWK_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);

/** The public members of a JWK: what may be published, and all a verifier ever imports. */
export function publicPart(jwk: JWK): JWK {
  return Object.fromEntries(
    Object.entries(jwk).filter(([name]) => !PRIVATE_JWK_MEMBERS.has(name)),
  ) as JWK;
}
