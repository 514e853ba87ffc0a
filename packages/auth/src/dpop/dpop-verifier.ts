import { AuthError } from "@sesame/contracts";
import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify } from "jose";
import type { Clock } from "../clock.ts";
import type { DpopProofStore } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";
import type { DpopRequest } from "./dpop-request.ts";

/** Asymmetric algorithms only: a proof's key travels in its own header, so a symmetric one would prove nothing. */
const PROOF_ALGORITHMS = ["ES256", "ES384", "EdDSA", "Ed25519", "PS256", "RS256"];
/** Far above any honest proof (a P-256 proof is ~500 characters); refused before any parsing. */
const PROOF_MAX_LENGTH = 4096;

/**
 * Checks DPoP proofs (RFC 9449 §4.3): a `dpop+jwt` signed by the public key
 * in its own `jwk` header — the one place a header-supplied key is used, and
 * only to check the proof itself — for this method and URL, issued within the
 * clock tolerance, and never seen before (its `jti` is remembered in the
 * shared database until it could no longer pass the time check). Answers the
 * key's RFC 7638 thumbprint, which a session's refresh tokens are bound to.
 */
export class DpopVerifier {
  constructor(
    private readonly store: DpopProofStore,
    private readonly clock: Clock,
    private readonly toleranceSeconds: number,
  ) {}

  async thumbprintOf(request: DpopRequest): Promise<string> {
    const { proof } = request;
    if (proof.length > PROOF_MAX_LENGTH || proof.includes(",")) throw invalid();
    const now = this.clock.now();
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(proof, EmbeddedJWK, {
        typ: "dpop+jwt",
        algorithms: PROOF_ALGORITHMS,
        currentDate: new Date(now),
        requiredClaims: ["jti", "htm", "htu", "iat"],
      });
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) throw invalid();
      throw error;
    }
    const { payload, protectedHeader } = verified;
    const { jti, htm, htu, iat } = payload as Record<string, unknown>;
    if (typeof jti !== "string" || jti.length < 16 || jti.length > 256) throw invalid();
    if (htm !== request.method) throw invalid();
    if (typeof htu !== "string" || !request.urls.includes(withoutQuery(htu))) throw invalid();
    const issuedAtMs = (iat as number) * 1000;
    const toleranceMs = this.toleranceSeconds * 1000;
    if (Math.abs(now - issuedAtMs) > toleranceMs) throw invalid();

    const jwk = protectedHeader.jwk;
    if (!jwk) throw invalid();
    const thumbprint = await calculateJwkThumbprint(jwk, "sha256");
    // Remembered per key: after `iat + tolerance` the proof fails the time check anyway.
    const fresh = await this.store.remember(
      hashToken(`${thumbprint}.${jti}`),
      issuedAtMs + toleranceMs,
    );
    if (!fresh) throw invalid();
    return thumbprint;
  }
}

/** RFC 9449 §4.3: `htu` is compared without its query and fragment. */
function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "";
  }
}

const invalid = () => new AuthError("DPOP_INVALID");
