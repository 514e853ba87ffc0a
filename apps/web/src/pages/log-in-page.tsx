import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { describeError } from "../errors/describe-error.ts";
import { signOutMessage } from "../errors/sign-out-message.ts";
import type { EmailState } from "../forms/email-from-state.ts";
import { serverFieldErrors, validateLogIn } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { useAuthState, useSession } from "../session/session-context.ts";

type Field = "email" | "password";

export function LogInPage() {
  usePageTitle("Log in");
  const trpc = useTRPC();
  const session = useSession();
  const state = useAuthState();
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<Field>(
    { email: "", password: "" },
    validateLogIn,
  );

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => session.signIn(result),
      onError: focusFirstInvalid,
    }),
  );
  const error = login.error ? describeError(login.error) : null;
  const shownErrors = {
    ...serverFieldErrors(error?.issues, ["email", "password"]),
    ...fieldErrors,
  };
  // Why they were signed out matters until they act on it.
  const notice =
    state.status === "signed-out" && login.isIdle ? signOutMessage(state.reason) : null;

  // The address typed so far goes along to the pages that mail a link.
  const handOver: EmailState = values.email.trim() ? { email: values.email.trim() } : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    login.mutate({ email: values.email, password: values.password });
  };

  return (
    <AuthLayout title="Log in" intro="Welcome back. Log in to manage your account and devices.">
      {notice ? <FormAlert tone="info">{notice}</FormAlert> : null}
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          value={values.email}
          onValueChange={edit("email")}
          error={shownErrors.email}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          value={values.password}
          onValueChange={edit("password")}
          error={shownErrors.password}
        />
        <p className="field-aside">
          <Link to="/forgot-password" state={handOver}>
            Forgot password?
          </Link>
        </p>
        <SubmitButton pending={login.isPending} pendingLabel="Logging in…">
          Log in
        </SubmitButton>
      </form>
      <Link to="/email-sign-in" state={handOver} className="button button-secondary button-block">
        Email me a sign-in link
      </Link>
      <p className="switch">
        New to Sesame? <Link to="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
