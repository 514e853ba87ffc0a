/**
 * The Sesame auth client's core: an in-memory token store with invisible
 * refresh, kept in step across tabs, and DPoP proofs that tie the session to
 * this client's key. No framework and only web-standard APIs; a React Native
 * or plain TypeScript app injects its own lock, channel and key store. The
 * tRPC links are in `@sesame/client/trpc`, the React bindings in
 * `@sesame/client/react`.
 */
export { type AccessGrant, isAccessGrant } from "./core/access-grant.ts";
export { authCodeOf, RENEWABLE_CODES, SESSION_ENDED_CODES } from "./core/auth-codes.ts";
export {
  AuthSession,
  type AuthSessionOptions,
  type AuthState,
  type SignOutCode,
  type SignOutReason,
} from "./core/auth-session.ts";
export {
  broadcastChannel,
  indexedDbKeyStore,
  localStorageHint,
  webLocks,
} from "./core/browser-primitives.ts";
export { dpopKeys } from "./core/dpop-keys.ts";
export {
  createDpopProof,
  type DpopClaims,
  type PublicEcJwk,
  publicJwk,
} from "./core/dpop-proof.ts";
export { inProcessLock } from "./core/in-process-lock.ts";
export type {
  KeyPairStore,
  LockManager,
  SessionChannel,
  SessionHint,
  Timers,
} from "./core/primitives.ts";
export {
  DEFAULT_PROCEDURES,
  type ProcedureOptions,
  proofProcedures,
  publicProcedures,
  type SesameProcedures,
  sesameProcedures,
} from "./core/procedures.ts";
export { ServerClock } from "./core/server-clock.ts";
export { isSessionMessage, type SessionMessage } from "./core/session-message.ts";
export { SignedOutError } from "./core/signed-out-error.ts";
