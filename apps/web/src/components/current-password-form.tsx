import type { FormEvent, ReactNode } from "react";
import { describeError } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validateCurrentPassword,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { useFocusFirstField } from "../hooks/use-focus-first-field.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { PasswordField } from "./password-field.tsx";
import { SubmitButton } from "./submit-button.tsx";

/** The call the password goes to (`mfa.totp.begin`). */
export interface CurrentPasswordRequest {
  mutate: (input: { currentPassword: string }, options?: { onError?: () => void }) => void;
  isPending: boolean;
  error: unknown;
}

interface CurrentPasswordFormProps {
  request: CurrentPasswordRequest;
  /** Why the password is asked for, under the field. */
  hint: ReactNode;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
}

/**
 * The current password, asked again before a change to how the account is
 * protected: whoever finds the screen unlocked cannot make the change. It
 * replaces the button that opened it, so it takes the keyboard at once.
 */
export function CurrentPasswordForm({
  request,
  hint,
  submitLabel,
  pendingLabel,
  onCancel,
}: CurrentPasswordFormProps) {
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } =
    useValidatedForm<"currentPassword">({ currentPassword: "" }, validateCurrentPassword);
  useFocusFirstField(form);
  const error = request.error ? describeError(request.error) : null;
  const fromServer: FieldErrors<"currentPassword"> = {
    ...serverFieldErrors(error?.issues, ["currentPassword"]),
    ...(error?.code === "INVALID_CREDENTIALS"
      ? { currentPassword: "Your current password is incorrect." }
      : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    request.mutate(values, { onError: focusFirstInvalid });
  };

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate>
      <ErrorAlert error={error?.code === "INVALID_CREDENTIALS" ? null : error} />
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        hint={hint}
        value={values.currentPassword}
        onValueChange={edit("currentPassword")}
        error={shownErrors.currentPassword}
      />
      <div className="actions">
        <SubmitButton pending={request.isPending} pendingLabel={pendingLabel} block={false}>
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
