import type { AuthResult } from "@sesame/contracts";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { describeError, type ErrorDescription } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validateSecondFactor,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { useFocusFirstField } from "../hooks/use-focus-first-field.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";
import { AuthLayout } from "./auth-layout.tsx";
import { ErrorAlert } from "./error-alert.tsx";
import { OneTimeCodeField } from "./one-time-code-field.tsx";
import { SubmitButton } from "./submit-button.tsx";

type Method = "totp" | "recovery_code";

interface SecondFactorStepProps {
  /** MFA_REQUIRED's ticket: single use, five minutes, good for any number of wrong codes. */
  mfaToken: string;
  /** The factors the ticket accepts; a recovery code is offered only if it is one of them. */
  methods: readonly string[] | undefined;
  /** Signed in: the caller goes on exactly as after a password alone. */
  onSignedIn: (result: AuthResult) => void;
  /** The ticket is gone (expired, or spent elsewhere), or they chose to go back: null then. */
  onStartOver: (reason: ErrorDescription | null) => void;
}

const WORDING = {
  totp: {
    title: "Enter your code",
    intro:
      "Open the authenticator app on your phone and enter the 6-digit code it shows for Sesame.",
    label: "Authentication code",
    refused: "That code didn't work. Enter the code your app shows now.",
    other: "Use a recovery code instead",
  },
  recovery_code: {
    title: "Enter a recovery code",
    intro:
      "Lost your phone? Enter one of the recovery codes you saved when you turned on two-factor authentication.",
    label: "Recovery code",
    refused: "That recovery code didn't work. Check it, or use another: each code works once.",
    other: "Use your authenticator app instead",
  },
} as const;

/**
 * The second step of a log-in, after a right password (or an emailed link)
 * answered MFA_REQUIRED: a code from the authenticator app, or a recovery
 * code. `auth.verifyMfa` is a sign-in like `auth.login`: through the same
 * client path (its DPoP proof binds the session to this browser's key, the
 * cookie carries the refresh token), and `onSignedIn` gets what a log-in gets.
 * A wrong code keeps the step, since the ticket outlives it; an expired
 * ticket can only be replaced by the first step.
 */
export function SecondFactorStep({
  mfaToken,
  methods,
  onSignedIn,
  onStartOver,
}: SecondFactorStepProps) {
  const trpc = useTRPC();
  const [method, setMethod] = useState<Method>("totp");
  const wording = WORDING[method];
  usePageTitle(wording.title);
  const { form, values, fieldErrors, edit, reset, focusFirstInvalid, validate } =
    useValidatedForm<"code">({ code: "" }, (input) => validateSecondFactor(input, method));

  const verify = useMutation(
    trpc.auth.verifyMfa.mutationOptions({
      onSuccess: onSignedIn,
      onError: (failure) => {
        const described = describeError(failure);
        if (described.code === "MFA_TOKEN_INVALID") onStartOver(described);
        else focusFirstInvalid();
      },
    }),
  );
  const error = verify.error ? describeError(verify.error) : null;
  // One field takes either kind of code; the server names it after the kind sent.
  const issues = serverFieldErrors(error?.issues, ["code", "recoveryCode"]);
  const fromServer: FieldErrors<"code"> =
    error?.code === "MFA_CODE_INVALID"
      ? { code: wording.refused }
      : compactCode(issues.code ?? issues.recoveryCode);
  const shownErrors = { ...fromServer, ...fieldErrors };

  // The form pressed before this one is gone, and a switch replaces the field: the keyboard goes to it.
  const [focusRequest, setFocusRequest] = useState(1);
  useFocusFirstField(form, focusRequest);

  const switchMethod = () => {
    setMethod((current) => (current === "totp" ? "recovery_code" : "totp"));
    reset();
    verify.reset();
    setFocusRequest((n) => n + 1);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.reset();
    if (!validate()) return;
    verify.mutate(
      method === "totp" ? { mfaToken, code: values.code } : { mfaToken, recoveryCode: values.code },
    );
  };

  const recoveryAccepted = methods === undefined || methods.includes("recovery_code");
  return (
    <AuthLayout title={wording.title} intro={wording.intro}>
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error?.code === "MFA_CODE_INVALID" ? null : error} />
        <OneTimeCodeField
          key={method}
          kind={method}
          label={wording.label}
          name={method === "totp" ? "code" : "recoveryCode"}
          value={values.code}
          onValueChange={edit("code")}
          error={shownErrors.code}
        />
        <SubmitButton pending={verify.isPending} pendingLabel="Checking…">
          Log in
        </SubmitButton>
      </form>
      {recoveryAccepted ? (
        <button
          type="button"
          className="button button-secondary button-block"
          onClick={switchMethod}
        >
          {wording.other}
        </button>
      ) : null}
      <p className="switch">
        <button type="button" className="button button-quiet" onClick={() => onStartOver(null)}>
          Back to log in
        </button>
      </p>
    </AuthLayout>
  );
}

const compactCode = (message: string | undefined): FieldErrors<"code"> =>
  message === undefined ? {} : { code: message };
