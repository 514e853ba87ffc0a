import type { AuthCode } from "@sesame/contracts";
import { useState } from "react";

/** What a sign-in with a provider brought back to `/login#error=…`. */
export interface OAuthOutcome {
  code: AuthCode;
  /** MFA_REQUIRED: the ticket for the code step, as after a password. */
  mfaToken?: string;
}

/**
 * Reads the fragment the server's OAuth callback left on the log-in page
 * (`#error=OAUTH_STATE_INVALID`, `#error=MFA_REQUIRED&mfaToken=…`), once,
 * and clears it with `history.replaceState`: a reload, a bookmark or the
 * Back button must not show the failure again, nor keep the ticket in the
 * address bar. A fragment never reaches a server, so nothing else saw it.
 */
export function useOAuthOutcome(): OAuthOutcome | null {
  const [outcome] = useState(readOutcome);
  return outcome;
}

function readOutcome(): OAuthOutcome | null {
  const params = new URLSearchParams(globalThis.location.hash.slice(1));
  const code = params.get("error");
  if (!code || !/^[A-Z_]{1,64}$/.test(code)) return null;
  const { pathname, search } = globalThis.location;
  globalThis.history.replaceState(globalThis.history.state, "", `${pathname}${search}`);
  const mfaToken = params.get("mfaToken") ?? undefined;
  return { code: code as AuthCode, ...(mfaToken ? { mfaToken } : {}) };
}
