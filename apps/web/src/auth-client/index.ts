/**
 * The Sesame auth client: an in-memory token store with invisible refresh,
 * as a tRPC link, and DPoP proofs that tie the session to this client's
 * key. No React and, outside `browser-primitives.ts`, no DOM: a React Native
 * or plain TypeScript app injects its own lock, channel and key store.
 */
export type { AccessGrant } from "./access-grant.ts";
export { authCodeOf, RENEWABLE_CODES, SESSION_ENDED_CODES } from "./auth-codes.ts";
export { type AuthLinkOptions, authLink, authorizationHeaders } from "./auth-link.ts";
export {
  AuthSession,
  type AuthSessionOptions,
  type AuthState,
  type SignOutCode,
  type SignOutReason,
} from "./auth-session.ts";
export { dpopKeys } from "./dpop-keys.ts";
export { type DpopLinkOptions, dpopHeaders, dpopLink } from "./dpop-link.ts";
export { createDpopProof, type DpopClaims, type PublicEcJwk, publicJwk } from "./dpop-proof.ts";
export { inProcessLock } from "./in-process-lock.ts";
export type {
  KeyPairStore,
  LockManager,
  SessionChannel,
  SessionHint,
  Timers,
} from "./primitives.ts";
export { ServerClock } from "./server-clock.ts";
export { isSessionMessage, type SessionMessage } from "./session-message.ts";
export { SignedOutError } from "./signed-out-error.ts";
