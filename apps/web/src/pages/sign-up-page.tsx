import { useSession } from "@sesame/client/react";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { ProviderButtons } from "../components/provider-buttons.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { describeError } from "../errors/describe-error.ts";
import { type FieldErrors, serverFieldErrors, validateSignUp } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

type Field = "name" | "email" | "password";

export function SignUpPage() {
  usePageTitle("Create an account");
  const trpc = useTRPC();
  const session = useSession();
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<Field>(
    { name: "", email: "", password: "" },
    validateSignUp,
  );

  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: (result) => session.signIn(result),
      onError: focusFirstInvalid,
    }),
  );
  const error = register.error ? describeError(register.error) : null;
  const fromServer: FieldErrors<Field> = {
    ...serverFieldErrors(error?.issues, ["name", "email", "password"]),
    ...(error?.code === "WEAK_PASSWORD" ? { password: error.reason ?? error.message } : {}),
    ...(error?.code === "EMAIL_TAKEN" ? { email: error.message } : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    const name = values.name.trim();
    register.mutate({
      email: values.email,
      password: values.password,
      ...(name ? { name } : {}),
    });
  };

  // A server that requires confirmed addresses made the account and mailed the link, but signs nobody in yet.
  if (error?.code === "EMAIL_NOT_VERIFIED") {
    return (
      <AuthLayout title="Confirm your email address" intro="Your account is ready.">
        <FormAlert tone="success" takeFocus>
          We've sent a link to <strong className="break">{register.variables?.email}</strong>. Open
          it to confirm your address, then log in.
        </FormAlert>
        <p className="switch">
          <Link to="/login">Log in</Link>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Create your account"
      intro="One account, every device. Your sign-in stays on this browser until you log out."
    >
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error}>
          {error?.code === "EMAIL_TAKEN" ? (
            <>
              {" "}
              <Link to="/login">Log in instead</Link>.
            </>
          ) : null}
        </ErrorAlert>
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          optional
          value={values.name}
          onValueChange={edit("name")}
          error={shownErrors.name}
        />
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
          autoComplete="new-password"
          hint="At least 8 characters. A few unrelated words make a strong, memorable password."
          value={values.password}
          onValueChange={edit("password")}
          error={shownErrors.password}
        />
        <SubmitButton pending={register.isPending} pendingLabel="Creating your account…">
          Create account
        </SubmitButton>
      </form>
      <ProviderButtons />
      <p className="switch">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
