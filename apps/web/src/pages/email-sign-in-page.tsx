import { useMutation } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { EmailRequestForm } from "../components/email-request-form.tsx";
import { emailFromState } from "../forms/email-from-state.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

/** Asks for a sign-in link; the link itself opens `/sign-in-link`. */
export function EmailSignInPage() {
  usePageTitle("Sign in with an email link");
  const trpc = useTRPC();
  const location = useLocation();
  const request = useMutation(trpc.auth.requestSignInLink.mutationOptions());

  return (
    <AuthLayout
      title="Sign in with an email link"
      intro="No password needed: we'll mail you a link that signs you in on the device where you open it."
    >
      <EmailRequestForm
        request={request}
        initialEmail={emailFromState(location.state)}
        submitLabel="Email me a sign-in link"
        pendingLabel="Sending…"
        sent={(email) => (
          <>
            If an account exists for <strong className="break">{email}</strong>, we've sent a
            sign-in link there. Open it on this device to sign in. Nothing after a few minutes?
            Check your spam folder.
          </>
        )}
      />
      <p className="switch">
        <Link to="/login">Log in with your password</Link>
      </p>
    </AuthLayout>
  );
}
