import { createContext, useContext, useSyncExternalStore } from "react";
import type { AuthSession, AuthState } from "../auth-client/index.ts";

export const SessionContext = createContext<AuthSession | null>(null);

export function useSession(): AuthSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <SessionContext.Provider>.");
  return session;
}

/** The session's state, re-rendering on every sign-in and sign-out (in this tab or another). */
export function useAuthState(): AuthState {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getState);
}
