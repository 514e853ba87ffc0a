import { useAuthState } from "@sesame/client/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { describeError, MISSING_LINK_TOKEN } from "../errors/describe-error.ts";
import { useLinkToken } from "../hooks/use-link-token.ts";
import { useOnce } from "../hooks/use-once.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/**
 * Opened from the mail `user.changeEmail` sent to the new address:
 * `/confirm-email#token=…`. Only now does the account's address change.
 */
export function ConfirmEmailPage() {
  usePageTitle("Confirm your new email address");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signedIn = useAuthState().status === "signed-in";
  const token = useLinkToken();

  const confirm = useMutation(
    trpc.auth.confirmEmailChange.mutationOptions({
      // Every page showing the address (and the banner) reads `user.me`.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.user.me.queryKey() }),
    }),
  );
  useOnce(token !== null, () => {
    if (token) confirm.mutate({ token });
  });
  // Only with a session to ask with: to say which address the account has now.
  const me = useQuery({ ...trpc.user.me.queryOptions(), enabled: signedIn && confirm.isSuccess });
  const error = token ? (confirm.error ? describeError(confirm.error) : null) : MISSING_LINK_TOKEN;
  const onward = signedIn ? (
    <Link to="/account" className="button button-primary button-block">
      Continue to your account
    </Link>
  ) : (
    <Link to="/login" className="button button-primary button-block">
      Log in
    </Link>
  );

  if (confirm.isSuccess) {
    return (
      <AuthLayout title="Email address changed" intro="Use the new address to log in from now on.">
        <FormAlert tone="success">
          {/* Not an address cached from before the change. */}
          {me.data && me.isFetchedAfterMount ? (
            <>
              Your account's email address is now <strong className="break">{me.data.email}</strong>
              .
            </>
          ) : (
            "Your new email address is confirmed."
          )}
        </FormAlert>
        {onward}
      </AuthLayout>
    );
  }
  if (!error) {
    return (
      <AuthLayout title="Confirm your new email address" intro="One moment.">
        <PageLoading label="Changing your email address" />
      </AuthLayout>
    );
  }

  const linkGone = error.code === "LINK_INVALID" || error.code === "LINK_EXPIRED";
  return (
    <AuthLayout
      title="Confirm your new email address"
      intro="Your account keeps its current address."
    >
      <ErrorAlert error={error} />
      {linkGone ? (
        // A new link needs the password again, so it is asked for where the password is.
        <p>
          To try again, ask for the change once more under <strong>Change email</strong> on your
          account page.
        </p>
      ) : token && error.code !== "EMAIL_TAKEN" ? (
        // Not the link's fault (no connection, say): it still works.
        <div>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => confirm.mutate({ token })}
          >
            Try again
          </button>
        </div>
      ) : null}
      {onward}
    </AuthLayout>
  );
}
