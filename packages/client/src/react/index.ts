/**
 * React bindings for a Sesame session: a provider, and hooks for its state
 * and its user. The session comes from `createSesameClient` (or a hand-made
 * `AuthSession`); nothing here talks to the server by itself.
 */
export { SesameProvider, type SesameProviderProps } from "./sesame-provider.tsx";
export { type Auth, useAuth } from "./use-auth.ts";
export { useAuthState } from "./use-auth-state.ts";
export { useSession } from "./use-session.ts";
