import { useContext } from "react";
import type { AuthSession } from "../core/auth-session.ts";
import { SessionContext } from "./session-context.ts";

/** The session itself, for what the state does not say: `signIn` after a login, `endSession`. */
export function useSession(): AuthSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <SesameProvider>.");
  return session;
}
