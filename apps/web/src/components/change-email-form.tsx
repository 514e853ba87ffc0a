import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useTRPC } from "../api/trpc.ts";
import { describeError } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validateChangeEmail,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { PasswordField } from "./password-field.tsx";
import { SubmitButton } from "./submit-button.tsx";
import { TextField } from "./text-field.tsx";

type Field = "newEmail" | "currentPassword";
const EMPTY = { newEmail: "", currentPassword: "" };

/**
 * Moves the account to another address. Nothing changes until the link
 * mailed to the new address is opened (`/confirm-email`), so a typo cannot
 * lock anyone out; the old address is told at once.
 */
export function ChangeEmailForm({ currentEmail }: { currentEmail: string }) {
  const trpc = useTRPC();
  const { form, values, fieldErrors, edit, reset, focusFirstInvalid, validate } =
    useValidatedForm<Field>(EMPTY, (input) => validateChangeEmail(input, currentEmail));

  const change = useMutation(
    trpc.user.changeEmail.mutationOptions({ onSuccess: reset, onError: focusFirstInvalid }),
  );
  const error = change.error ? describeError(change.error) : null;
  const fromServer: FieldErrors<Field> = {
    ...serverFieldErrors(error?.issues, ["newEmail", "currentPassword"]),
    ...(error?.code === "INVALID_CREDENTIALS"
      ? { currentPassword: "Your current password is incorrect." }
      : {}),
    ...(error?.code === "EMAIL_TAKEN" ? { newEmail: error.message } : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };
  const onField = error?.code === "INVALID_CREDENTIALS" || error?.code === "EMAIL_TAKEN";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.reset();
    if (!validate()) return;
    change.mutate({ newEmail: values.newEmail.trim(), currentPassword: values.currentPassword });
  };

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate>
      <ErrorAlert error={onField ? null : error} />
      <FormAlert tone="success">
        {change.isSuccess && change.variables ? (
          <>
            Check <strong className="break">{change.variables.newEmail}</strong> to confirm; your
            address stays <strong className="break">{currentEmail}</strong> until then.
          </>
        ) : null}
      </FormAlert>
      <TextField
        label="New email"
        type="email"
        name="newEmail"
        autoComplete="email"
        inputMode="email"
        value={values.newEmail}
        onValueChange={edit("newEmail")}
        error={shownErrors.newEmail}
      />
      <PasswordField
        label="Current password"
        name="currentPassword"
        autoComplete="current-password"
        hint="So that nobody at an unlocked screen can take the account."
        value={values.currentPassword}
        onValueChange={edit("currentPassword")}
        error={shownErrors.currentPassword}
      />
      <SubmitButton pending={change.isPending} pendingLabel="Sending the link…">
        Change email
      </SubmitButton>
    </form>
  );
}
