import { useAuthState, useSession } from "@sesame/client/react";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import { useTRPC } from "../api/trpc.ts";
import { AuthLayout } from "../components/auth-layout.tsx";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { ProviderButtons } from "../components/provider-buttons.tsx";
import { SecondFactorStep } from "../components/second-factor-step.tsx";
import { Spinner } from "../components/spinner.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { TextField } from "../components/text-field.tsx";
import { describeError, type ErrorDescription, messageOf } from "../errors/describe-error.ts";
import { describePasskeyError } from "../errors/describe-passkey-error.ts";
import { signOutMessage } from "../errors/sign-out-message.ts";
import type { EmailState } from "../forms/email-from-state.ts";
import { serverFieldErrors, validateLogIn } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { useOAuthOutcome } from "../hooks/use-oauth-outcome.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { usePasskeyAutofill } from "../hooks/use-passkey-autofill.ts";
import { usePasskeySignIn } from "../hooks/use-passkey-sign-in.ts";

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
  // Back from a provider: a failure to show, or (an account with a second factor) the code step.
  const oauth = useOAuthOutcome();
  const [challenge, setChallenge] = useState<Challenge | null>(() =>
    oauth?.code === "MFA_REQUIRED" && oauth.mfaToken
      ? { mfaToken: oauth.mfaToken, methods: undefined }
      : null,
  );
  const [oauthFailure, setOAuthFailure] = useState<ErrorDescription | null>(() =>
    oauth && oauth.code !== "MFA_REQUIRED"
      ? { code: oauth.code, message: messageOf(oauth.code) }
      : null,
  );
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
  // A passkey signs in as a password does: the route guard takes them where they were headed.
  const passkey = usePasskeySignIn((result) => session.signIn(result));
  // Refused after a pick from the email field's suggestions (the button's refusals are its own).
  const [autofillFailure, setAutofillFailure] = useState<ErrorDescription | null>(null);
  const stopAutofill = usePasskeyAutofill({
    onSignedIn: (result) => session.signIn(result),
    onError: (failure) => setAutofillFailure(describePasskeyError(failure)),
  });
  const passkeyFailure = passkey.error ? describePasskeyError(passkey.error) : autofillFailure;
  const failure = login.error ? describeError(login.error) : null;
  const error =
    oauthFailure ??
    passkeyFailure ??
    (startedOver ? startedOver.reason : failure?.code === "MFA_REQUIRED" ? null : failure);
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
    state.status === "signed-out" && login.isIdle && passkey.isIdle && !oauthFailure
      ? signOutMessage(state.reason)
      : null;

  // The address typed so far goes along to the pages that mail a link.
  const handOver: EmailState = values.email.trim() ? { email: values.email.trim() } : {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStartedOver(null);
    setOAuthFailure(null);
    passkey.reset();
    setAutofillFailure(null);
    if (!validate()) return;
    // The password it is: the passkey waiting in the field's suggestions is called off.
    stopAutofill();
    login.mutate({ email: values.email, password: values.password });
  };

  const signInWithPasskey = () => {
    if (passkey.isPending) return;
    setStartedOver(null);
    setOAuthFailure(null);
    setAutofillFailure(null);
    login.reset();
    passkey.mutate();
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
          // "webauthn" last: the browser lists this site's passkeys among the field's suggestions.
          autoComplete="username webauthn"
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
      <button
        type="button"
        className="button button-secondary button-block"
        onClick={signInWithPasskey}
        aria-disabled={passkey.isPending || undefined}
        aria-busy={passkey.isPending}
      >
        {passkey.isPending ? (
          <>
            <Spinner /> Waiting for your passkey…
          </>
        ) : (
          "Sign in with a passkey"
        )}
      </button>
      <Link to="/email-sign-in" state={handOver} className="button button-secondary button-block">
        Email me a sign-in link
      </Link>
      <ProviderButtons />
      <p className="switch">
        New to Sesame? <Link to="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
