import type { AuthResult } from "@sesame/contracts";
import { startAuthentication } from "@simplewebauthn/browser";
import { useMutation } from "@tanstack/react-query";
import { useTRPCClient } from "../api/trpc.ts";
import { authenticationInput, requestOptions } from "../api/webauthn-json.ts";

/**
 * The "Sign in with a passkey" button's request: no email typed, since the
 * passkey is discoverable (the authenticator says whose it is).
 * `auth.beginPasskeyLogin` hands out a challenge, the browser's prompt signs
 * it, and `auth.finishPasskeyLogin` is a sign-in like `auth.login`: through
 * the same client path (its DPoP proof binds the session to this browser's
 * key, the cookie carries the refresh token). A passkey with user
 * verification is two factors, so no code step follows. Starting it ends
 * the autofill ceremony waiting in the background (one at a time: the
 * WebAuthnAbortService), which then fails with an AbortError.
 */
export function usePasskeySignIn(onSignedIn: (result: AuthResult) => void) {
  const client = useTRPCClient();
  return useMutation({
    mutationFn: async () => {
      const { challengeId, options } = await client.auth.beginPasskeyLogin.mutate();
      const response = await startAuthentication({ optionsJSON: requestOptions(options) });
      return client.auth.finishPasskeyLogin.mutate({
        challengeId,
        response: authenticationInput(response),
      });
    },
    onSuccess: onSignedIn,
  });
}
