/**
 * `@sesame/verify/rules` — the rules Sesame's server and every verifier share,
 * defined once: the strict header reader, token verification, the key checks,
 * and the vocabulary of the revocation feed. The auth core imports them from
 * here; a service rarely needs them directly (use `createRemoteVerifier`).
 */

export { type Clock, systemClock } from "./clock.ts";
export {
  assertKeyFitsAlgorithm,
  isVerifiableAlgorithm,
  VERIFIABLE_ALGORITHMS,
  type VerifiableAlgorithm,
} from "./keys/key-type.ts";
export { type PublicJwk, publicPart } from "./keys/public-jwk.ts";
export { PublicKeyRing } from "./keys/public-key-ring.ts";
export type { VerificationKey, VerificationKeys } from "./keys/verification-keys.ts";
export { usableJwks } from "./remote/usable-jwks.ts";
export {
  POLL_ENDPOINT_METADATA,
  type PollRequest,
  type PollResponse,
  RECEIVER_INSTANCE_HEADER,
  RECEIVER_INSTANCE_PATTERN,
  SECURITY_EVENT_TOKEN_TYPE,
  SESSION_REVOKED_EVENT,
  type SessionRevokedClaims,
  type SetError,
  type SetErrorCode,
  TOKENS_EXPIRE_BY,
} from "./revocations/security-event-vocabulary.ts";
export {
  type SessionRevocation,
  type SessionRevokedResult,
  verifySessionRevoked,
} from "./revocations/verify-session-revoked.ts";
export { readTokenHeader, TOKEN_MAX_LENGTH, type TokenHeader } from "./tokens/compact-jws.ts";
export {
  ACCESS_TOKEN,
  REQUIRED_CLAIMS,
  type TokenAudience,
  type TokenKind,
} from "./tokens/token-kinds.ts";
export {
  type AccessTokenResult,
  SESAME_ROLES,
  type SesameRole,
  type VerifiedAccessClaims,
  verifyAccessToken,
} from "./tokens/verify-access-token.ts";
export {
  keyForToken,
  sesameClaims,
  type VerifiedClaims,
  type VerifyFailure,
  type VerifyResult,
  verifyToken,
} from "./tokens/verify-token.ts";
