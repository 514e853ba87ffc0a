import { useSession } from "@sesame/client/react";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { NewLinkOffer } from "../components/new-link-offer.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { describeError, MISSING_LINK_TOKEN } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validateResetPassword,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { useLinkToken } from "../hooks/use-link-token.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

type Field = "newPassword";

/** Opened from the mail `auth.requestPasswordReset` sent: `/reset-password#token=…`. */
export function ResetPasswordPage() {
  usePageTitle("Choose a new password");
  const trpc = useTRPC();
  const session = useSession();
  const token = useLinkToken();
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<Field>(
    { newPassword: "" },
    validateResetPassword,
  );

  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: () => {
        // The server ended every session of the account, this browser's too if it had one.
        if (session.getState().status === "signed-in") session.endSession("SESSION_REVOKED");
      },
      onError: focusFirstInvalid,
    }),
  );
  const newLink = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const error = reset.error ? describeError(reset.error) : null;
  const fromServer: FieldErrors<Field> = {
    ...serverFieldErrors(error?.issues, ["newPassword"]),
    ...(error?.code === "WEAK_PASSWORD" ? { newPassword: error.reason ?? error.message } : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token || !validate()) return;
    reset.mutate({ token, newPassword: values.newPassword });
  };

  if (reset.isSuccess) {
    return (
      <AuthLayout title="Password changed" intro="Use your new password from now on.">
        {/* The form is gone: the keyboard goes to what happened. */}
        <FormAlert tone="success" takeFocus>
          Password changed; every device was signed out.
        </FormAlert>
        <Link to="/login" className="button button-primary button-block">
          Log in with your new password
        </Link>
      </AuthLayout>
    );
  }

  // A link that is gone for good: the form could not help, a new link can.
  if (!token || error?.code === "LINK_INVALID" || error?.code === "LINK_EXPIRED") {
    const problem = error ?? MISSING_LINK_TOKEN;
    return (
      <AuthLayout
        title="Choose a new password"
        intro={token ? "This reset link no longer works." : "This page opens from a reset email."}
      >
        <ErrorAlert error={problem} takeFocus />
        {problem.code === "LINK_EXPIRED" && problem.email ? (
          <NewLinkOffer
            to={problem.email}
            pending={newLink.isPending}
            sent={newLink.isSuccess}
            error={newLink.error}
            onSend={() => newLink.mutate({ email: problem.email ?? "" })}
          />
        ) : (
          <Link to="/forgot-password" className="button button-primary button-block">
            Ask for a new link
          </Link>
        )}
        <p className="switch">
          Remembered it? <Link to="/login">Log in</Link>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Choose a new password"
      intro="After the change, every device signed in to your account is signed out."
    >
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <PasswordField
          label="New password"
          name="newPassword"
          autoComplete="new-password"
          hint="At least 8 characters. A few unrelated words make a strong, memorable password."
          value={values.newPassword}
          onValueChange={edit("newPassword")}
          error={shownErrors.newPassword}
        />
        <SubmitButton pending={reset.isPending} pendingLabel="Changing password…">
          Change password
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
