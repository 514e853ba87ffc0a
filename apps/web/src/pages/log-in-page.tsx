import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
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
import { type FieldErrors, serverFieldErrors, validateLogIn } from "../forms/form-validation.ts";
import { useFocusFirstInvalid } from "../hooks/use-focus-first-invalid.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { useAuthState, useSession } from "../session/session-context.ts";

type Field = "email" | "password";

export function LogInPage() {
  usePageTitle("Log in");
  const trpc = useTRPC();
  const session = useSession();
  const state = useAuthState();
  const [values, setValues] = useState({ email: "", password: "" });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<Field>>({});
  const [focusRequest, setFocusRequest] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, focusRequest);

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => session.signIn(result),
      onError: () => setFocusRequest((n) => n + 1),
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

  const edit = (field: Field) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setFieldErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = validateLogIn(values);
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return setFocusRequest((n) => n + 1);
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
        <SubmitButton pending={login.isPending} pendingLabel="Logging in…">
          Log in
        </SubmitButton>
      </form>
      <p className="switch">
        New to Sesame? <Link to="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
