/**
 * The Sesame auth client: an in-memory token store with invisible refresh,
 * as a tRPC link. No React and, outside `browser-primitives.ts`, no DOM: a
 * React Native or plain TypeScript app injects its own lock and channel.
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
export { inProcessLock } from "./in-process-lock.ts";
export type { LockManager, SessionChannel, SessionHint, Timers } from "./primitives.ts";
export { isSessionMessage, type SessionMessage } from "./session-message.ts";
export { SignedOutError } from "./signed-out-error.ts";
