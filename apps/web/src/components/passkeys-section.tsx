import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { describeError } from "../errors/describe-error.ts";
import { useNow } from "../hooks/use-now.ts";
import { AddPasskeyForm } from "./add-passkey-form.tsx";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { PasskeyCard, passkeyName } from "./passkey-card.tsx";
import { QueryError } from "./query-error.tsx";
import { Spinner } from "./spinner.tsx";

/**
 * The Security page's passkeys: `passkey.list`, newest first, each with a
 * Remove behind a confirmation, and a form to add one. A passkey signs in
 * without a password or a code (it is two factors by itself), so the
 * status's count is refreshed with the list.
 */
export function PasskeysSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const passkeys = useQuery(trpc.passkey.list.queryOptions());
  // What the last finished change did, said above the list.
  const [news, setNews] = useState<string | null>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.passkey.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() }),
    ]);

  const remove = useMutation(
    trpc.passkey.remove.mutationOptions({
      onSuccess: (_result, input) => {
        const removed = passkeys.data?.find((passkey) => passkey.id === input.id);
        setNews(`Removed ${removed ? passkeyName(removed) : "the passkey"}.`);
        return refresh();
      },
      // PASSKEY_NOT_FOUND: gone already (another tab); the list shows it.
      onError: () => void refresh(),
    }),
  );

  const sorted = [...(passkeys.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="card" aria-labelledby="passkeys-heading">
      <div className="card-title">
        <h2 id="passkeys-heading">Passkeys</h2>
        {passkeys.data?.length ? <span className="badge">{passkeys.data.length}</span> : null}
      </div>
      <p>
        Sign in with your fingerprint, face or screen lock instead of a password and code. A passkey
        stays on your device or in your password manager; Sesame keeps only its public half.
      </p>
      <ErrorAlert error={remove.error ? describeError(remove.error) : null} />
      {/* The card whose button was pressed is gone; the keyboard goes to what happened. */}
      <FormAlert tone="success" takeFocus>
        {news}
      </FormAlert>
      {passkeys.isPending ? (
        <p className="muted">
          <Spinner /> Loading your passkeys…
        </p>
      ) : passkeys.isError ? (
        <QueryError error={passkeys.error} retry={() => void passkeys.refetch()} />
      ) : sorted.length === 0 ? (
        <p className="muted">No passkeys yet.</p>
      ) : (
        <ul className="passkey-list" aria-label="Your passkeys">
          {sorted.map((passkey) => (
            <PasskeyCard
              key={passkey.id}
              passkey={passkey}
              now={now}
              removing={remove.isPending && remove.variables?.id === passkey.id}
              disabled={remove.isPending}
              onRemove={() => {
                setNews(null);
                remove.mutate({ id: passkey.id });
              }}
            />
          ))}
        </ul>
      )}
      <AddPasskeyForm
        onAdded={(name) => {
          remove.reset();
          setNews(name ? `Added the passkey “${name}”.` : "Passkey added.");
          void refresh();
        }}
      />
    </section>
  );
}
