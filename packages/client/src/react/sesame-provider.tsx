import type { ReactNode } from "react";
import type { AuthSession } from "../core/auth-session.ts";
import { SessionContext } from "./session-context.ts";

export interface SesameProviderProps {
  /** Made once at start (`createSesameClient(…).session`), never per render. */
  session: AuthSession;
  children?: ReactNode;
}

/** Makes `session` what `useSession`, `useAuthState` and `useAuth` below it see. */
export function SesameProvider({ session, children }: SesameProviderProps) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
