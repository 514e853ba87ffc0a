import { useAuthState } from "@sesame/client/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { NewLinkOffer } from "../components/new-link-offer.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { describeError, MISSING_LINK_TOKEN } from "../errors/describe-error.ts";
import { useLinkToken } from "../hooks/use-link-token.ts";
import { useOnce } from "../hooks/use-once.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/**
 * Opened from the mail sent at sign-up (or by "Resend"): `/verify-email#token=…`,
 * signed in or not. The token is posted as the page opens; nothing to press.
 */
export function VerifyEmailPage() {
  usePageTitle("Confirm your email address");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signedIn = useAuthState().status === "signed-in";
  const token = useLinkToken();

  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      // The banner asking to confirm the address reads `user.me`: it goes at once.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.user.me.queryKey() }),
    }),
  );
  useOnce(token !== null, () => {
    if (token) verify.mutate({ token });
  });
  const resend = useMutation(trpc.auth.requestEmailVerification.mutationOptions());
  const error = token ? (verify.error ? describeError(verify.error) : null) : MISSING_LINK_TOKEN;
  // Only for a refused link, and only with a session to ask with (it needs an access token).
  const me = useQuery({ ...trpc.user.me.queryOptions(), enabled: signedIn && error !== null });
  const onward = signedIn ? (
    <Link to="/account" className="button button-primary button-block">
      Continue to your account
    </Link>
  ) : (
    <Link to="/login" className="button button-primary button-block">
      Log in
    </Link>
  );

  if (verify.isSuccess) {
    return (
      <AuthLayout title="Email address confirmed" intro="Thanks: Sesame can now reach you there.">
        <FormAlert tone="success">Your email address is confirmed.</FormAlert>
        {onward}
      </AuthLayout>
    );
  }
  if (!error) {
    return (
      <AuthLayout title="Confirm your email address" intro="One moment.">
        <PageLoading label="Confirming your email address" />
      </AuthLayout>
    );
  }

  const linkGone = error.code === "LINK_INVALID" || error.code === "LINK_EXPIRED";
  return (
    <AuthLayout title="Confirm your email address" intro="This link did not confirm your address.">
      <ErrorAlert error={error} />
      {!linkGone && token ? (
        // Not the link's fault (no connection, say): it still works.
        <div>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => verify.mutate({ token })}
          >
            Try again
          </button>
        </div>
      ) : signedIn && me.isPending ? null : signedIn && me.data?.emailVerified ? (
        // An older link, or one opened twice: the address was confirmed already.
        <FormAlert tone="info">
          Your address is already confirmed: there is nothing to do.
        </FormAlert>
      ) : signedIn ? (
        <NewLinkOffer
          to={error.email ?? me.data?.email}
          pending={resend.isPending}
          sent={resend.isSuccess}
          error={resend.error}
          onSend={() => resend.mutate()}
        />
      ) : (
        <p>
          To get a new link, log in and choose <strong>Resend</strong> where the page asks you to
          confirm your address.
        </p>
      )}
      {onward}
    </AuthLayout>
  );
}
