import { startRegistration } from "@simplewebauthn/browser";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPCClient } from "../api/trpc.ts";
import { creationOptions, registrationInput } from "../api/webauthn-json.ts";
import { describePasskeyError } from "../errors/describe-passkey-error.ts";
import { serverFieldErrors } from "../forms/form-validation.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { SubmitButton } from "./submit-button.tsx";
import { TextField } from "./text-field.tsx";

interface AddPasskeyFormProps {
  /** Added: the caller refreshes the list and says so. */
  onAdded: (name: string | undefined) => void;
}

/**
 * Adding a passkey: `passkey.beginRegistration` hands out the options (a
 * challenge bound to this account, the passkeys it already has excluded),
 * the browser's prompt makes the key, and `passkey.finishRegistration`
 * stores it under the name given, if any. Closing the prompt is a change of
 * mind, not a failure: the form just stays as it was.
 */
export function AddPasskeyForm({ onAdded }: AddPasskeyFormProps) {
  const client = useTRPCClient();
  const [name, setName] = useState("");
  const add = useMutation({
    mutationFn: async (input: { name: string | undefined }) => {
      const options = await client.passkey.beginRegistration.mutate();
      const answer = await startRegistration({ optionsJSON: creationOptions(options) });
      return client.passkey.finishRegistration.mutate({
        response: registrationInput(answer),
        ...(input.name ? { name: input.name } : {}),
      });
    },
    onSuccess: (_result, input) => {
      setName("");
      onAdded(input.name);
    },
  });
  const error = add.error ? describePasskeyError(add.error) : null;
  const nameError = serverFieldErrors(error?.issues, ["name"]).name;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (add.isPending) return;
    add.reset();
    add.mutate({ name: name.trim() || undefined });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Add a passkey">
      <ErrorAlert error={error} />
      <TextField
        label="Passkey name"
        optional
        name="passkeyName"
        autoComplete="off"
        value={name}
        onValueChange={setName}
        hint="To tell your passkeys apart, e.g. “Work laptop” or “Phone”."
        error={nameError}
        maxLength={100}
      />
      <SubmitButton pending={add.isPending} pendingLabel="Waiting for your passkey…" block={false}>
        Add a passkey
      </SubmitButton>
    </form>
  );
}
