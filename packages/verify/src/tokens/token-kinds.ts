/** Who issued a token and for whom: the exact `iss`, and the `aud` of access tokens. */
export interface TokenAudience {
  issuer: string;
  audience: string;
}

/**
 * Sesame's token kinds differ in `typ` *and* audience (RFC 9068 §2.1, RFC 8725
 * §3.11), so one can never be accepted as the other even by a verifier that
 * forgets to check one of them. Access tokens are defined here, where other
 * services check them; Sesame's refresh tokens (`rt+jwt`) are its own business.
 */
export interface TokenKind {
  typ: string;
  audience(config: Pick<TokenAudience, "audience">): string;
}

export const ACCESS_TOKEN: TokenKind = { typ: "at+jwt", audience: (config) => config.audience };

/** Every claim a Sesame token must carry; one missing means the token is refused. */
export const REQUIRED_CLAIMS = ["iss", "aud", "sub", "sid", "jti", "iat", "exp"] as const;
