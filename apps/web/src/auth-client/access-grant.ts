/**
 * The part of an `AuthResult` the client keeps: the access token, in memory
 * only, and when it expires (epoch seconds, like the JWT `exp`). The refresh
 * token never reaches script in a browser: it lives in the httpOnly cookie.
 */
export interface AccessGrant {
  accessToken: string;
  accessTokenExpiresAt: number;
}
