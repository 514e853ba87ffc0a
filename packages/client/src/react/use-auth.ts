import type { User } from "@sesame/contracts";
import { useMemo } from "react";
import type { AccessGrant } from "../core/access-grant.ts";
import type { AuthState, SignOutReason } from "../core/auth-session.ts";
import { useAuthState } from "./use-auth-state.ts";
import { useSession } from "./use-session.ts";

export interface Auth {
  /** The whole state, to switch on `status`. */
  state: AuthState;
  /** False while the session is being restored at start, as when signed out. */
  signedIn: boolean;
  /** Still asking the server whether this browser holds a session: show neither form nor account yet. */
  restoring: boolean;
  /** Whom the session belongs to, as the last sign-in or refresh said; null when signed out. */
  user: User | null;
  /** Why the user is signed out (their own sign-out, another tab's, a revoked session…); null for a visitor. */
  reason: SignOutReason | null;
  /** After `auth.login`, `auth.register` or another sign-in: this tab and every other is signed in. */
  signIn(result: AccessGrant): void;
  /** Ends the session on the server and signs out every tab. */
  signOut(): Promise<void>;
}

/** The session as a component needs it, re-rendering when it changes. */
export function useAuth(): Auth {
  const session = useSession();
  const state = useAuthState();
  return useMemo(
    () => ({
      state,
      signedIn: state.status === "signed-in",
      restoring: state.status === "restoring",
      user: state.status === "signed-in" ? state.user : null,
      reason: state.status === "signed-out" ? state.reason : null,
      signIn: (result) => session.signIn(result),
      signOut: () => session.logout(),
    }),
    [session, state],
  );
}
