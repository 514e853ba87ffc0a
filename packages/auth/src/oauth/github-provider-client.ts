import * as client from "openid-client";
import { normalizeEmail } from "../accounts/normalize-email.ts";
import type { ProviderClient, ProviderProfile } from "./provider-profile.ts";

/** GitHub's OAuth 2 endpoints (it is no OpenID Connect provider). */
export const GITHUB_ENDPOINTS = {
  authorization: "https://github.com/login/oauth/authorize",
  token: "https://github.com/login/oauth/access_token",
  api: "https://api.github.com",
};

/**
 * GitHub through openid-client's OAuth 2 code flow (PKCE S256, state), then
 * its user and emails APIs. Only the verified primary address counts: GitHub
 * lets anyone add an unverified address to their account.
 */
export class GithubProviderClient implements ProviderClient {
  readonly id = "github";
  private readonly config: client.Configuration;

  constructor(
    readonly name: string,
    clientId: string,
    clientSecret: string,
    private readonly endpoints = GITHUB_ENDPOINTS,
    private readonly scopes: string[] = ["read:user", "user:email"],
  ) {
    this.config = new client.Configuration(
      {
        issuer: new URL(endpoints.authorization).origin,
        authorization_endpoint: endpoints.authorization,
        token_endpoint: endpoints.token,
      },
      clientId,
      undefined,
      client.ClientSecretPost(clientSecret),
    );
    if (new URL(endpoints.token).protocol === "http:") client.allowInsecureRequests(this.config);
  }

  async authorizationUrl(request: {
    redirectUri: string;
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<URL> {
    return client.buildAuthorizationUrl(this.config, {
      redirect_uri: request.redirectUri,
      scope: this.scopes.join(" "),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
    });
  }

  async profile(
    callbackUrl: URL,
    checks: { state: string; codeVerifier: string; redirectUri: string },
  ): Promise<ProviderProfile> {
    const tokens = await client.authorizationCodeGrant(
      this.config,
      callbackUrl,
      { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state },
      { redirect_uri: checks.redirectUri },
    );
    const user = (await this.api(tokens.access_token, "/user")) as { id?: unknown };
    if (typeof user.id !== "number" && typeof user.id !== "string") {
      throw new Error("GitHub sent no user id");
    }
    const emails = (await this.api(tokens.access_token, "/user/emails")) as Array<{
      email?: unknown;
      primary?: unknown;
      verified?: unknown;
    }>;
    const primary = Array.isArray(emails)
      ? emails.find((entry) => entry.primary === true && entry.verified === true)
      : undefined;
    return {
      subject: String(user.id),
      email: typeof primary?.email === "string" ? normalizeEmail(primary.email) : null,
      emailVerified: primary !== undefined,
    };
  }

  private async api(accessToken: string, path: string): Promise<unknown> {
    const response = await client.fetchProtectedResource(
      this.config,
      accessToken,
      new URL(`${this.endpoints.api}${path}`),
      "GET",
      undefined,
      new Headers({ accept: "application/vnd.github+json" }),
    );
    if (!response.ok) throw new Error(`GitHub answered ${response.status} for ${path}`);
    return response.json();
  }
}
