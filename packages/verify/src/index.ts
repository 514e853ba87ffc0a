/**
 * `@sesame/verify` — what a service needs to trust Sesame's access tokens
 * from another process: the remote verifier (keys discovered from the issuer,
 * Sesame's own token rules) and the feed of revoked sessions it can follow.
 * Depends on `jose` alone: no argon2, no database driver.
 *
 * Middleware: `@sesame/verify/hono`, `@sesame/verify/trpc`.
 */

export type { Clock } from "./clock.ts";
export { RemoteKeysError, type RemoteKeysErrorCode } from "./remote/remote-keys-error.ts";
export {
  createRemoteVerifier,
  RemoteVerifier,
  type RemoteVerifierOptions,
} from "./remote/remote-verifier.ts";
export type {
  RevocationFeedFollower,
  RevocationFeedOptions,
} from "./revocations/revocation-feed-follower.ts";
export {
  isTokenError,
  TOKEN_ERROR_CODES,
  TOKEN_ERROR_MESSAGE,
  TokenError,
  type TokenErrorCode,
} from "./token-error.ts";
export type { SesameRole, VerifiedAccessClaims } from "./tokens/verify-access-token.ts";
export type { VerifiedClaims } from "./tokens/verify-token.ts";
