import { useAuthState, useSession } from "@sesame/client/react";
import type { AuthResult } from "@sesame/contracts";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { NewLinkOffer } from "../components/new-link-offer.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { SecondFactorStep } from "../components/second-factor-step.tsx";
import {
  describeError,
  type ErrorDescription,
  MISSING_LINK_TOKEN,
} from "../errors/describe-error.ts";
import { useLinkToken } from "../hooks/use-link-token.ts";
import { useOnce } from "../hooks/use-once.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/**
 * Opened from the mail `auth.requestSignInLink` sent: `/sign-in-link#token=…`.
 * The sign-in is a log-in's in every way but the password: the same call
 * path (its DPoP proof binds the session to this browser's key, the cookie
 * carries the refresh token), and `session.signIn` keeps the access token in
 * memory and tells every tab. An account with two-factor authentication
 * is asked for its code next, as after a password: the link is spent then,
 * so an expired code step can only start over from a new link or the password.
 */
export function SignInLinkPage() {
  usePageTitle("Signing in");
  const trpc = useTRPC();
  const session = useSession();
  const navigate = useNavigate();
  const restoring = useAuthState().status === "restoring";
  const token = useLinkToken();

  const signedIn = (result: AuthResult) => {
    session.signIn(result);
    navigate("/account", { replace: true });
  };
  const signIn = useMutation(trpc.auth.signInWithLink.mutationOptions({ onSuccess: signedIn }));
  // Back from the code step because its ticket expired (or was spent in another tab).
  const [startedOver, setStartedOver] = useState<ErrorDescription | null>(null);
  // After the restore at start: its refresh and this sign-in would both replace the cookie.
  useOnce(token !== null && !restoring, () => {
    if (token) signIn.mutate({ token });
  });
  const newLink = useMutation(trpc.auth.requestSignInLink.mutationOptions());
  const error =
    startedOver ??
    (token ? (signIn.error ? describeError(signIn.error) : null) : MISSING_LINK_TOKEN);

  if (error?.code === "MFA_REQUIRED" && error.mfaToken) {
    return (
      <SecondFactorStep
        mfaToken={error.mfaToken}
        methods={error.methods}
        onSignedIn={signedIn}
        onStartOver={(reason) => {
          if (reason) setStartedOver(reason);
          else navigate("/login");
        }}
      />
    );
  }

  if (!error) {
    return (
      <AuthLayout title="Signing you in" intro="One moment.">
        <PageLoading label="Signing you in" />
      </AuthLayout>
    );
  }

  // The code step's ticket is gone too: the link was spent when it was issued.
  const linkGone =
    error.code === "LINK_INVALID" ||
    error.code === "LINK_EXPIRED" ||
    error.code === "MFA_TOKEN_INVALID";
  return (
    <AuthLayout title="Sign in with an email link" intro="This link did not sign you in.">
      <ErrorAlert error={error} />
      {error.code === "LINK_EXPIRED" && error.email ? (
        <NewLinkOffer
          to={error.email}
          pending={newLink.isPending}
          sent={newLink.isSuccess}
          error={newLink.error}
          onSend={() => newLink.mutate({ email: error.email ?? "" })}
        />
      ) : linkGone ? (
        <Link to="/email-sign-in" className="button button-primary button-block">
          Email me a new sign-in link
        </Link>
      ) : token && error.code !== "ACCOUNT_DISABLED" ? (
        // Refused before the link was spent (no connection, too many sign-ins): it still works.
        <div>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => signIn.mutate({ token })}
          >
            Try again
          </button>
        </div>
      ) : null}
      <p className="switch">
        <Link to="/login">Log in with your password</Link>
      </p>
    </AuthLayout>
  );
}
