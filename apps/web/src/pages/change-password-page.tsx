import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useTRPC } from "../api/trpc.ts";
import { ErrorAlert } from "../components/error-alert.tsx";
import { FormAlert } from "../components/form-alert.tsx";
import { PasswordField } from "../components/password-field.tsx";
import { SubmitButton } from "../components/submit-button.tsx";
import { describeError } from "../errors/describe-error.ts";
import {
  type FieldErrors,
  serverFieldErrors,
  validateChangePassword,
} from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { usePageTitle } from "../hooks/use-page-title.ts";

type Field = "currentPassword" | "newPassword";
const EMPTY = { currentPassword: "", newPassword: "" };

export function ChangePasswordPage() {
  usePageTitle("Change password");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { form, values, fieldErrors, edit, reset, focusFirstInvalid, validate } =
    useValidatedForm<Field>(EMPTY, validateChangePassword);

  const change = useMutation(
    trpc.user.changePassword.mutationOptions({
      onSuccess: () => {
        reset();
        // The server ended every other session; the devices list must say so.
        return queryClient.invalidateQueries({ queryKey: trpc.session.list.queryKey() });
      },
      onError: focusFirstInvalid,
    }),
  );
  const error = change.error ? describeError(change.error) : null;
  const fromServer: FieldErrors<Field> = {
    ...serverFieldErrors(error?.issues, ["currentPassword", "newPassword"]),
    ...(error?.code === "INVALID_CREDENTIALS"
      ? { currentPassword: "Your current password is incorrect." }
      : {}),
    ...(error?.code === "WEAK_PASSWORD" ? { newPassword: error.reason ?? error.message } : {}),
  };
  const shownErrors = { ...fromServer, ...fieldErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.reset();
    if (!validate()) return;
    change.mutate(values);
  };

  return (
    <div className="stack-lg">
      <header className="page-header">
        <h1>Change password</h1>
        <p className="lead">
          After the change, every other device is signed out; this one stays signed in.
        </p>
      </header>
      <section className="card">
        <form ref={form} className="form" onSubmit={submit} noValidate>
          <ErrorAlert error={error?.code === "INVALID_CREDENTIALS" ? null : error} />
          <FormAlert tone="success">
            {change.isSuccess
              ? "Your password has been changed. Other devices have been signed out."
              : null}
          </FormAlert>
          <PasswordField
            label="Current password"
            name="currentPassword"
            autoComplete="current-password"
            value={values.currentPassword}
            onValueChange={edit("currentPassword")}
            error={shownErrors.currentPassword}
          />
          <PasswordField
            label="New password"
            name="newPassword"
            autoComplete="new-password"
            hint="At least 8 characters. Avoid passwords you use elsewhere."
            value={values.newPassword}
            onValueChange={edit("newPassword")}
            error={shownErrors.newPassword}
          />
          <SubmitButton pending={change.isPending} pendingLabel="Changing password…">
            Change password
          </SubmitButton>
        </form>
      </section>
    </div>
  );
}
