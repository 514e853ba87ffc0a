import { createContext } from "react";
import type { AuthSession } from "../core/auth-session.ts";

/** The session `SesameProvider` hands down; null outside one. */
export const SessionContext = createContext<AuthSession | null>(null);
