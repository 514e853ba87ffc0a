import type { FormEvent, ReactNode } from "react";
import { describeError } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validatePasswordAndCode,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { useFocusFirstField } from "../hooks/use-focus-first-field.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { OneTimeCodeField } from "./one-time-code-field.tsx";
import { PasswordField } from "./password-field.tsx";
import { SubmitButton } from "./submit-button.tsx";

type Field = "currentPassword" | "code";

/** `mfa.totp.disable` or `mfa.recoveryCodes.regenerate`. */
export interface PasswordAndCodeRequest {
  mutate: (input: Record<Field, string>, options?: { onError?: () => void }) => void;
  isPending: boolean;
  error: unknown;
}

interface PasswordAndCodeFormProps {
  request: PasswordAndCodeRequest;
  /** What will happen, said before the button. */
  children: ReactNode;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
  onCancel: () => void;
}

/**
 * The password and a current code from the app: what a change to a working
 * second factor needs, so that neither a stolen password nor a borrowed
 * phone is enough to make it. Each refusal is put on its field.
 */
export function PasswordAndCodeForm({
  request,
  children,
  submitLabel,
  pendingLabel,
  variant = "primary",
  onCancel,
}: PasswordAndCodeFormProps) {
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } = useValidatedForm<Field>(
    { currentPassword: "", code: "" },
    validatePasswordAndCode,
  );
  useFocusFirstField(form);
  const error = request.error ? describeError(request.error) : null;
  const fromServer: FieldErrors<Field> = {
    ...serverFieldErrors(error?.issues, ["currentPassword", "code"]),
    ...(error?.code === "INVALID_CREDENTIALS"
      ? { currentPassword: "Your current password is incorrect." }
      : {}),
    ...(error?.code === "MFA_CODE_INVALID"
      ? { code: "That code didn't work. Enter the code your app shows now." }
      : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };
  const onField = error?.code === "INVALID_CREDENTIALS" || error?.code === "MFA_CODE_INVALID";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    request.mutate(values, { onError: focusFirstInvalid });
  };

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate>
      {children}
      <ErrorAlert error={onField ? null : error} />
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        value={values.currentPassword}
        onValueChange={edit("currentPassword")}
        error={shownErrors.currentPassword}
      />
      <OneTimeCodeField
        label="Code from your authenticator app"
        name="code"
        value={values.code}
        onValueChange={edit("code")}
        error={shownErrors.code}
      />
      <div className="actions">
        <SubmitButton
          pending={request.isPending}
          pendingLabel={pendingLabel}
          variant={variant}
          block={false}
        >
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
