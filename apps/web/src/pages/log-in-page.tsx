import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { SecondFactorStep } from "../components/second-factor-step.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { describeError, type ErrorDescription } from "../errors/describe-error.ts";
import { signOutMessage } from "../errors/sign-out-message.ts";
import type { EmailState } from "../forms/email-from-state.ts";
import { serverFieldErrors, validateLogIn } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { useAuthState, useSession } from "../session/session-context.ts";

type Field = "email" | "password";

/** MFA_REQUIRED's ticket for the code step, and the factors it takes. */
interface Challenge {
  mfaToken: string;
  methods: string[] | undefined;
}

export function LogInPage() {
  usePageTitle("Log in");
  const trpc = useTRPC();
  const session = useSession();
  const state = useAuthState();
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<Field>(
    { email: "", password: "" },
    validateLogIn,
  );
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  // Back from the code step: why (its ticket expired), or null when they chose to.
  const [startedOver, setStartedOver] = useState<{ reason: ErrorDescription | null } | null>(null);

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => session.signIn(result),
      onError: (failure) => {
        const { code, mfaToken, methods } = describeError(failure);
        // The password was right: the second step asks for the code; the form keeps what was typed.
        if (code === "MFA_REQUIRED" && mfaToken) setChallenge({ mfaToken, methods });
        else focusFirstInvalid();
      },
    }),
  );
  const failure = login.error ? describeError(login.error) : null;
  const error = startedOver
    ? startedOver.reason
    : failure?.code === "MFA_REQUIRED"
      ? null
      : failure;
  // Back on this step, the password field has the keyboard: pressing Log in again is all it takes.
  useEffect(() => {
    if (startedOver) form.current?.querySelector<HTMLElement>('input[name="password"]')?.focus();
  }, [form, startedOver]);
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
    setStartedOver(null);
    if (!validate()) return;
    login.mutate({ email: values.email, password: values.password });
  };

  if (challenge) {
    return (
      <SecondFactorStep
        mfaToken={challenge.mfaToken}
        methods={challenge.methods}
        // As after a password alone: the route guard takes them where they were headed.
        onSignedIn={(result) => session.signIn(result)}
        onStartOver={(reason) => {
          setChallenge(null);
          setStartedOver({ reason });
        }}
      />
    );
  }

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
