import type { AuthResult } from "@sesame/contracts";
import {
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  WebAuthnAbortService,
} from "@simplewebauthn/browser";
import { useCallback, useEffect, useRef } from "react";
import { useTRPCClient } from "../api/trpc.ts";
import { authenticationInput, requestOptions } from "../api/webauthn-json.ts";

interface PasskeyAutofillOptions {
  onSignedIn: (result: AuthResult) => void;
  /** A passkey was picked and Sesame refused it (removed from the account, say). */
  onError: (error: unknown) => void;
}

/**
 * Passkeys among the email field's suggestions (WebAuthn conditional UI):
 * while the log-in page is open a ceremony waits in the background, and
 * picking a passkey in the field's autofill signs in with it. Needs an input
 * with `autocomplete="username webauthn"` on the page; where the browser
 * has no such autofill, nothing happens. The challenge is asked for only
 * once the browser said it can, and the ceremony is called off when the
 * page is left or `stop()` is called (the password form was sent: the field
 * may be gone). Returns `stop`.
 */
export function usePasskeyAutofill({ onSignedIn, onError }: PasskeyAutofillOptions): () => void {
  const client = useTRPCClient();
  const handlers = useRef({ onSignedIn, onError });
  handlers.current = { onSignedIn, onError };
  // Set by the cleanup or by stop(): nothing started after it, and nothing reported.
  const stopped = useRef(false);

  useEffect(() => {
    stopped.current = false;
    // Up to the pick, a failure is the background's own (no challenge, a browser that refuses
    // this origin, the ceremony called off): nobody asked for anything, so nothing is said.
    const picked = async () => {
      if (!(await browserSupportsWebAuthnAutofill()) || stopped.current) return null;
      const { challengeId, options } = await client.auth.beginPasskeyLogin.mutate();
      if (stopped.current) return null;
      const response = await startAuthentication({
        optionsJSON: requestOptions(options),
        useBrowserAutofill: true,
      });
      return stopped.current ? null : { challengeId, response: authenticationInput(response) };
    };
    void picked()
      .catch(() => null)
      .then(async (pick) => {
        if (!pick) return;
        try {
          // Signed in even if the page is gone by now: the server has started the session.
          handlers.current.onSignedIn(await client.auth.finishPasskeyLogin.mutate(pick));
        } catch (error) {
          if (!stopped.current) handlers.current.onError(error);
        }
      });
    return () => {
      stopped.current = true;
      WebAuthnAbortService.cancelCeremony();
    };
  }, [client]);

  return useCallback(() => {
    if (stopped.current) return;
    stopped.current = true;
    WebAuthnAbortService.cancelCeremony();
  }, []);
}
