import { errors, type JWTPayload, jwtVerify } from "jose";
import type { VerificationKeys } from "../keys/verification-keys.ts";
import { readTokenHeader } from "../tokens/compact-jws.ts";
import {
  SECURITY_EVENT_TOKEN_TYPE,
  SESSION_REVOKED_EVENT,
  type SetError,
  TOKENS_EXPIRE_BY,
} from "./security-event-vocabulary.ts";

/** A revocation a receiver learned from a verified SET. Times in epoch ms. */
export interface SessionRevocation {
  jti: string;
  sessionId: string;
  revokedAt: number;
  /** After this, no access token of the session is valid anyway: the receiver may forget it. */
  tokensExpireBy: number;
}

export type SessionRevokedResult =
  | { ok: true; revocation: SessionRevocation }
  /** A well-signed SET of another event type: acknowledged, and nothing to do. */
  | { ok: true; revocation: undefined }
  /** `unknownKey`: signed by a key this receiver has not fetched yet (a key just promoted): worth another try. */
  | { ok: false; error: SetError; unknownKey?: boolean };

const SUBJECT_ID_MAX = 256;

/**
 * Checks one Security Event Token from the feed as strictly as an access
 * token: strict header, `typ: secevent+jwt` (RFC 8417 §2.3, so no other JWT of
 * the issuer's passes as a SET), key by `kid` from the issuer's published set
 * with its pinned algorithm, the exact `iss`, `aud` = this receiver, `jti`
 * matching the key it was delivered under, and an `iat` not in the future.
 * Then reads the CAEP `session-revoked` event and its opaque subject, the
 * session id (`sid`) of the access tokens to refuse. Failures come back as
 * RFC 8936 `setErrs` entries, never as throws.
 */
export async function verifySessionRevoked(
  keysFor: (kid: string) => Promise<VerificationKeys>,
  expected: { issuer: string; receiverId: string; jti: string },
  set: string,
  nowMs: number,
  clockTolerance: number,
): Promise<SessionRevokedResult> {
  const header = readTokenHeader(set);
  if (!header || header.typ !== SECURITY_EVENT_TOKEN_TYPE) {
    return refused("invalid_request", "Not a Security Event Token.");
  }
  const key = (await keysFor(header.kid)).verificationKey(header.kid);
  if (!key) return { ...refused("invalid_key", "Signed by an unknown key."), unknownKey: true };
  if (key.alg !== header.alg) return refused("invalid_key", "Not the key's algorithm.");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(set, key.key, {
      algorithms: [key.alg],
      typ: SECURITY_EVENT_TOKEN_TYPE,
      issuer: expected.issuer,
      audience: expected.receiverId,
      requiredClaims: ["iss", "aud", "jti", "iat", "events"],
      clockTolerance,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "iss") {
      return refused("invalid_issuer", "Another issuer.");
    }
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
      return refused("invalid_audience", "Not for this receiver.");
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refused("invalid_key", "The signature does not verify.");
    }
    return refused("invalid_request", "The SET's claims are invalid.");
  }
  if (payload.jti !== expected.jti) return refused("invalid_request", "jti differs from its key.");
  if (typeof payload.iat !== "number" || payload.iat * 1000 > nowMs + clockTolerance * 1000) {
    return refused("invalid_request", "iat is in the future.");
  }
  const events = payload.events as Record<string, unknown> | null;
  if (typeof events !== "object" || events === null || Array.isArray(events)) {
    return refused("invalid_request", "events is not an object.");
  }
  const event = events[SESSION_REVOKED_EVENT];
  if (event === undefined) return { ok: true, revocation: undefined };
  const sessionId = opaqueSubject(payload.sub_id);
  const fields = (typeof event === "object" && event !== null ? event : {}) as Record<
    string,
    unknown
  >;
  const revokedAt = payload.toe ?? fields.event_timestamp;
  const expireBy = fields[TOKENS_EXPIRE_BY];
  if (sessionId === undefined || !isEpochSeconds(revokedAt) || !isEpochSeconds(expireBy)) {
    return refused("invalid_request", "Not a session-revoked event Sesame issues.");
  }
  return {
    ok: true,
    revocation: {
      jti: expected.jti,
      sessionId,
      revokedAt: revokedAt * 1000,
      tokensExpireBy: expireBy * 1000,
    },
  };
}

/** RFC 9493 §3.2.4: `{ "format": "opaque", "id": "…" }`. */
function opaqueSubject(subject: unknown): string | undefined {
  if (typeof subject !== "object" || subject === null) return undefined;
  const { format, id } = subject as Record<string, unknown>;
  return format === "opaque" &&
    typeof id === "string" &&
    id.length > 0 &&
    id.length <= SUBJECT_ID_MAX
    ? id
    : undefined;
}

const isEpochSeconds = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value > 0;

const refused = (err: SetError["err"], description: string) => ({
  ok: false as const,
  error: { err, description },
});
