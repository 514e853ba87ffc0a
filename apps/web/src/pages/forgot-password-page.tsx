import { useMutation } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { EmailRequestForm } from "../components/email-request-form.tsx";
import { emailFromState } from "../forms/email-from-state.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

export function ForgotPasswordPage() {
  usePageTitle("Forgot password");
  const trpc = useTRPC();
  const location = useLocation();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());

  return (
    <AuthLayout
      title="Forgot your password?"
      intro="Enter the email address of your account and we'll mail you a link to choose a new password."
    >
      <EmailRequestForm
        request={request}
        initialEmail={emailFromState(location.state)}
        submitLabel="Email me a reset link"
        pendingLabel="Sending…"
        sent={(email) => (
          <>
            If an account exists for <strong className="break">{email}</strong>, we've sent a link
            there to choose a new password. Nothing after a few minutes? Check your spam folder.
          </>
        )}
      />
      <p className="switch">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
