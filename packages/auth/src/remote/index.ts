/**
 * `@sesame/auth/remote` — what a resource server needs to trust Sesame's
 * access tokens, without the rest of the core (no argon2, no storage).
 */

export type { Clock } from "../clock.ts";
export { AuthError, isAuthError } from "../contracts/auth-error.ts";
export type { VerifiedAccessClaims } from "../tokens/verify-access-token.ts";
export type { VerifiedClaims } from "../tokens/verify-token.ts";
export { RemoteKeysError, type RemoteKeysErrorCode } from "./remote-keys-error.ts";
export {
  createRemoteVerifier,
  RemoteVerifier,
  type RemoteVerifierOptions,
} from "./remote-verifier.ts";
