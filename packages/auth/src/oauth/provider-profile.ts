/** Who the provider says signed in: its stable id for them, and their address. */
export interface ProviderProfile {
  subject: string;
  /** Normalized; null when the provider gave none. */
  email: string | null;
  /** Only the provider's own word counts: `email_verified`, or GitHub's verified primary address. */
  emailVerified: boolean;
}

/** The code exchange of one provider: the callback's URL in, the person out. */
export interface ProviderClient {
  readonly id: string;
  readonly name: string;
  /** The URL to send the browser (or app) to. */
  authorizationUrl(request: {
    redirectUri: string;
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<URL>;
  /**
   * Exchanges the callback's code (PKCE, state and, for OpenID Connect, the
   * ID token's issuer, audience, nonce, expiry and signature checked by the
   * library) and reads the profile. Throws on any failure.
   */
  profile(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string; redirectUri: string },
  ): Promise<ProviderProfile>;
}
