import { GITHUB_ENDPOINTS, GithubProviderClient } from "./github-provider-client.ts";
import type { OAuthProviderConfig } from "./oauth-provider-config.ts";
import { OidcProviderClient } from "./oidc-provider-client.ts";
import type { ProviderClient } from "./provider-profile.ts";

const GOOGLE_ISSUER = "https://accounts.google.com";

/** The client of each configured provider: the presets, and discovery for the rest. */
export function providerClients(
  configs: readonly OAuthProviderConfig[],
): Map<string, ProviderClient> {
  const clients = new Map<string, ProviderClient>();
  for (const config of configs) {
    const name = config.name ?? defaultName(config.id);
    const provider =
      config.id === "github" && config.issuer === undefined
        ? new GithubProviderClient(
            name,
            config.clientId,
            config.clientSecret,
            config.endpoints ?? GITHUB_ENDPOINTS,
            config.scopes,
          )
        : new OidcProviderClient(
            config.id,
            name,
            config.issuer ?? GOOGLE_ISSUER,
            config.clientId,
            config.clientSecret,
            config.scopes,
          );
    clients.set(config.id, provider);
  }
  return clients;
}

function defaultName(id: string): string {
  if (id === "github") return "GitHub";
  return id.charAt(0).toUpperCase() + id.slice(1);
}
