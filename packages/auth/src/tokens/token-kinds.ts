import { type AuthConfig, refreshAudience } from "../auth-config.ts";

/**
 * The two token kinds differ in `typ` *and* audience (RFC 9068 §2.1, RFC 8725
 * §3.11), so one can never be accepted as the other even by a verifier that
 * forgets to check one of them.
 */
export interface TokenKind {
  typ: "at+jwt" | "rt+jwt";
  audience(config: Pick<AuthConfig, "audience">): string;
}

export const ACCESS_TOKEN: TokenKind = { typ: "at+jwt", audience: (config) => config.audience };
export const REFRESH_TOKEN: TokenKind = { typ: "rt+jwt", audience: refreshAudience };

/** Every claim a Sesame token must carry; one missing means the token is refused. */
export const REQUIRED_CLAIMS = ["iss", "aud", "sub", "sid", "jti", "iat", "exp"] as const;
