import { useQuery } from "@tanstack/react-query";
import { sessionHint } from "../api/create-api.ts";
import { useTRPC } from "../api/trpc.ts";

/** Where a sign-in with a provider lands once it is done. */
const RETURN_TO = "/account";

/**
 * "Continue with …", one link per configured provider (`auth.oauthProviders`):
 * a plain navigation, since the server's `/auth/oauth/<id>/start` sends the
 * browser on to the provider with a cookie binding the sign-in to it, and
 * its callback comes back by a full page load with the refresh cookie only
 * (or to `/login#error=…`). The hint is set first, so the page load's
 * restore asks for the session that cookie holds. None configured: nothing.
 */
export function ProviderButtons() {
  const trpc = useTRPC();
  const providers = useQuery(trpc.auth.oauthProviders.queryOptions());
  if (!providers.data?.length) return null;
  return (
    <div className="provider-buttons">
      {providers.data.map((provider) => (
        <a
          key={provider.id}
          className="button button-secondary button-block"
          href={`/auth/oauth/${encodeURIComponent(provider.id)}/start?returnTo=${encodeURIComponent(RETURN_TO)}`}
          onClick={() => sessionHint.remember(true)}
        >
          Continue with {provider.name}
        </a>
      ))}
    </div>
  );
}
