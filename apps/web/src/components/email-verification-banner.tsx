import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "../api/trpc.ts";
import { describeError } from "../errors/describe-error.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { Spinner } from "./spinner.tsx";

/**
 * Above every signed-in page until the address is confirmed: where the link
 * went, and a way to send another. The link is usually opened in another
 * tab, so coming back to this one always asks again, however recently it
 * last did; once confirmed, the banner is gone and focus asks as usual.
 */
export function EmailVerificationBanner() {
  const trpc = useTRPC();
  const me = useQuery(
    trpc.user.me.queryOptions(undefined, {
      refetchOnWindowFocus: (query) =>
        query.state.data?.emailVerified === false ? "always" : true,
    }),
  );
  const resend = useMutation(trpc.auth.requestEmailVerification.mutationOptions());

  if (!me.data || me.data.emailVerified) return null;
  const pending = resend.isPending;
  return (
    <section className="banner" aria-label="Confirm your email address">
      <p className="banner-text">
        Confirm your email address: we sent a link to{" "}
        <strong className="break">{me.data.email}</strong>.
      </p>
      {/* The button is gone once the link is sent: the keyboard goes to the word that says so. */}
      <FormAlert tone="success" takeFocus>
        {resend.isSuccess ? "Sent. Only the newest link works." : null}
      </FormAlert>
      {resend.isSuccess ? null : (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            if (!pending) resend.mutate();
          }}
          // Not `disabled`: that would drop the keyboard focus on <body> if the request fails.
          aria-disabled={pending || undefined}
          aria-busy={pending}
        >
          {pending ? <Spinner /> : null} Resend
        </button>
      )}
      <ErrorAlert error={resend.error ? describeError(resend.error) : null} />
    </section>
  );
}
