import { createRemoteJWKSet, jwtVerify } from "jose";
import * as client from "openid-client";
import { normalizeEmail } from "../accounts/normalize-email.ts";
import type { ProviderClient, ProviderProfile } from "./provider-profile.ts";

/**
 * Any OpenID Connect provider (Google is one), through openid-client:
 * discovery of its metadata and JWKS, the authorization code flow with PKCE
 * S256, and the ID token checked by the library (issuer, audience, nonce,
 * expiry, signature by a key of the provider's JWKS).
 */
export class OidcProviderClient implements ProviderClient {
  private configuration: Promise<client.Configuration> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly issuer: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly scopes: string[] = ["openid", "email", "profile"],
  ) {}

  async authorizationUrl(request: {
    redirectUri: string;
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<URL> {
    return client.buildAuthorizationUrl(await this.config(), {
      redirect_uri: request.redirectUri,
      scope: this.scopes.join(" "),
      response_type: "code",
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
    });
  }

  async profile(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string; redirectUri: string },
  ): Promise<ProviderProfile> {
    const tokens = await client.authorizationCodeGrant(
      await this.config(),
      callbackUrl,
      {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      },
      { redirect_uri: checks.redirectUri },
    );
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error("the provider sent no ID token");
    // openid-client trusts an ID token from the token endpoint for arriving
    // over TLS (OpenID Connect Core §3.1.3.7); its signature is checked here
    // too, against the provider's JWKS, so a forged one is refused whatever
    // the transport.
    await jwtVerify(tokens.id_token, await this.keys(), {
      issuer: claims.iss,
      audience: this.clientId,
    });
    // Many providers put the address only in the UserInfo response (OpenID
    // Connect Core §5.4); openid-client checks it names the ID token's subject.
    const info =
      typeof claims.email === "string"
        ? claims
        : await client.fetchUserInfo(await this.config(), tokens.access_token, claims.sub);
    const email = typeof info.email === "string" ? normalizeEmail(info.email) : null;
    return { subject: claims.sub, email, emailVerified: info.email_verified === true };
  }

  /** The provider's signing keys, from the JWKS its metadata names (cached and refreshed by jose). */
  private async keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.jwks) return this.jwks;
    const uri = (await this.config()).serverMetadata().jwks_uri;
    if (!uri) throw new Error("the provider publishes no JWKS");
    this.jwks = createRemoteJWKSet(new URL(uri));
    return this.jwks;
  }

  /** Discovered once, on first use (a provider down at start does not stop the server). */
  private config(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(
        new URL(this.issuer),
        this.clientId,
        undefined,
        client.ClientSecretPost(this.clientSecret),
        new URL(this.issuer).protocol === "http:"
          ? { execute: [client.allowInsecureRequests] }
          : {},
      )
      .catch((error) => {
        // Try again next time rather than remembering an outage.
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }
}
