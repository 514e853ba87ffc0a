import { useSyncExternalStore } from "react";
import type { AuthState } from "../core/auth-session.ts";
import { useSession } from "./use-session.ts";

/** The session's state, re-rendering on every sign-in and sign-out, in this tab or another. */
export function useAuthState(): AuthState {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}
