import type { FormEvent, ReactNode } from "react";
import { describeError } from "../errors/describe-error.ts";
import { serverFieldErrors, validateEmailRequest } from "../forms/form-validation.ts";
import { useValidatedForm } from "../forms/use-validated-form.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { SubmitButton } from "./submit-button.tsx";
import { TextField } from "./text-field.tsx";

/** The mutation behind the form (`auth.requestPasswordReset`, `auth.requestSignInLink`). */
export interface EmailRequest {
  mutate: (input: { email: string }, options?: { onError?: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  isSuccess: boolean;
  error: unknown;
  variables: { email: string } | undefined;
}

interface EmailRequestFormProps {
  request: EmailRequest;
  /** The address typed on the log-in page, so nobody types it twice. */
  initialEmail?: string;
  submitLabel: string;
  pendingLabel: string;
  /** What the page says once the request is in, about the address it was for. */
  sent: (email: string) => ReactNode;
}

/**
 * Asks for an address to mail a link to. The server answers alike whether
 * or not the address has an account, so the confirmation can only say *if*
 * there is one: it names the address, so a typo shows, and never says which.
 */
export function EmailRequestForm({
  request,
  initialEmail = "",
  submitLabel,
  pendingLabel,
  sent,
}: EmailRequestFormProps) {
  const { form, values, fieldErrors, edit, focusFirstInvalid, validate } =
    useValidatedForm<"email">({ email: initialEmail }, validateEmailRequest);
  const error = request.error ? describeError(request.error) : null;
  const shownErrors = { ...serverFieldErrors(error?.issues, ["email"]), ...fieldErrors };
  const sentTo = request.isSuccess ? request.variables?.email : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    // A refusal the server pins on the field (INVALID_INPUT) puts the keyboard there.
    request.mutate({ email: values.email.trim() }, { onError: focusFirstInvalid });
  };

  if (sentTo !== undefined) {
    return (
      <div className="stack">
        {/* The form the user submitted is gone: the keyboard goes to what happened. */}
        <FormAlert tone="success" takeFocus>
          {sent(sentTo)}
        </FormAlert>
        <div>
          <button type="button" className="button button-secondary" onClick={request.reset}>
            Use another address
          </button>
        </div>
      </div>
    );
  }
  return (
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
      <SubmitButton pending={request.isPending} pendingLabel={pendingLabel}>
        {submitLabel}
      </SubmitButton>
    </form>
  );
}
