import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../api/trpc.ts";
import { describeError } from "../errors/describe-error.ts";
import { formatDateTime, formatRelative } from "../format/format-time.ts";
import { useNow } from "../hooks/use-now.ts";
import { useShellContext } from "../routes/shell-context.ts";
import { ErrorAlert } from "./error-alert.tsx";
import { FormAlert } from "./form-alert.tsx";
import { Spinner } from "./spinner.tsx";

/**
 * The Account page's providers: those linked (`identity.list`), each with
 * Unlink, and a "Link …" for each configured one not linked yet. Linking is
 * a mutation with the access token (`identity.linkStart`), never a link a
 * page could make the browser follow; its answer is where to go next, a
 * full page load to the provider that comes back here. Unlinking the only
 * way in is refused (LAST_SIGN_IN_METHOD), in words.
 */
export function SignInMethodsSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const providers = useQuery(trpc.auth.oauthProviders.queryOptions());
  // Asked only where a provider is configured: an account that must first turn on two-factor is
  // refused everything but its profile (MFA_ENROLLMENT_REQUIRED), and that refusal leads away.
  const enrolmentRequired = useShellContext().mfaEnrolmentRequired;
  const identities = useQuery({
    ...trpc.identity.list.queryOptions(),
    enabled: Boolean(providers.data?.length) && !enrolmentRequired,
  });
  const [news, setNews] = useState<string | null>(null);

  const link = useMutation(
    trpc.identity.linkStart.mutationOptions({ onSuccess: ({ url }) => location.assign(url) }),
  );
  const unlink = useMutation(
    trpc.identity.unlink.mutationOptions({
      onSuccess: (_result, input) => {
        const name = identities.data?.find((i) => i.provider === input.provider)?.name;
        setNews(`Unlinked ${name ?? "the provider"}.`);
        return queryClient.invalidateQueries({ queryKey: trpc.identity.list.queryKey() });
      },
    }),
  );
  const failure = link.error ?? unlink.error;

  if (!identities.isSuccess) return null;
  const linked = identities.data;
  const unlinked = (providers.data ?? []).filter(
    (provider) => !linked.some((identity) => identity.provider === provider.id),
  );
  // No provider configured and none linked: nothing to say.
  if (linked.length === 0 && unlinked.length === 0) return null;

  return (
    <section className="card" aria-labelledby="sign-in-methods-heading">
      <h2 id="sign-in-methods-heading">Sign-in methods</h2>
      <p className="muted">Accounts elsewhere you can sign in to Sesame with.</p>
      <ErrorAlert error={failure ? describeError(failure) : null} />
      <FormAlert tone="success" takeFocus>
        {news}
      </FormAlert>
      {linked.length ? (
        <ul className="passkey-list" aria-label="Linked sign-in providers">
          {linked.map((identity) => (
            <li key={identity.provider} className="passkey">
              <div className="passkey-main">
                <p className="passkey-name">
                  {identity.name}
                  <span className="badge badge-success">Linked</span>
                </p>
                <p className="passkey-meta">
                  {identity.email ? <span className="break">{identity.email}</span> : null}
                  <span>
                    Linked{" "}
                    <time dateTime={identity.createdAt} title={formatDateTime(identity.createdAt)}>
                      {formatRelative(identity.createdAt, now)}
                    </time>
                  </span>
                  {identity.lastUsedAt ? (
                    <span>
                      Last used{" "}
                      <time
                        dateTime={identity.lastUsedAt}
                        title={formatDateTime(identity.lastUsedAt)}
                      >
                        {formatRelative(identity.lastUsedAt, now)}
                      </time>
                    </span>
                  ) : null}
                </p>
              </div>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  if (unlink.isPending) return;
                  setNews(null);
                  link.reset();
                  unlink.mutate({ provider: identity.provider });
                }}
                aria-busy={unlink.isPending && unlink.variables?.provider === identity.provider}
                aria-label={`Unlink ${identity.name}`}
              >
                {unlink.isPending && unlink.variables?.provider === identity.provider ? (
                  <Spinner />
                ) : null}{" "}
                Unlink
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {unlinked.length ? (
        <div className="actions">
          {unlinked.map((provider) => (
            <button
              key={provider.id}
              type="button"
              className="button button-secondary"
              onClick={() => {
                if (link.isPending) return;
                setNews(null);
                unlink.reset();
                link.mutate({ provider: provider.id, returnTo: "/account" });
              }}
              aria-busy={link.isPending && link.variables?.provider === provider.id}
            >
              {link.isPending && link.variables?.provider === provider.id ? <Spinner /> : null} Link{" "}
              {provider.name}
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}
