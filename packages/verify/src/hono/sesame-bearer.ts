import { createMiddleware } from "hono/factory";
import { bearerToken } from "../bearer-token.ts";
import { RemoteKeysError } from "../remote/remote-keys-error.ts";
import type { RemoteVerifier } from "../remote/remote-verifier.ts";
import { isTokenError, type TokenErrorCode } from "../token-error.ts";
import type { VerifiedAccessClaims } from "../tokens/verify-access-token.ts";
import { identityOf, type VerifiedSession, type VerifiedUser } from "../verified-identity.ts";

/** What the middleware sets for the handlers after it: `c.get("user")`, `c.get("session")`, `c.get("claims")`. */
export type SesameVariables = {
  user: VerifiedUser;
  session: VerifiedSession;
  claims: VerifiedAccessClaims;
};

export interface SesameBearerOptions {
  /** The realm of the `WWW-Authenticate` challenges. Default "sesame". */
  realm?: string;
}

const DESCRIPTION: Record<TokenErrorCode, string> = {
  TOKEN_MISSING: "No token",
  TOKEN_INVALID: "Invalid token",
  TOKEN_EXPIRED: "The token expired",
  SESSION_REVOKED: "The session was revoked",
};

/**
 * Accepts a request only with a Sesame access token in `Authorization:
 * Bearer` (RFC 6750 §2.1), verified locally by the remote verifier (and
 * checked against the revocation feed it follows): no call to Sesame per
 * request. Failures follow RFC 6750 §3: no token → 401 without an error
 * code; a bad, expired or revoked token → 401 `invalid_token`; Sesame's keys
 * unreachable → 503 `AUTH_UNAVAILABLE` with `Retry-After`, since that is not
 * the token's fault. The JSON body carries Sesame's own code, `{ error:
 * "TOKEN_MISSING" | "TOKEN_INVALID" | "TOKEN_EXPIRED" | "SESSION_REVOKED" }`.
 *
 * @example
 * const api = new Hono<{ Variables: SesameVariables }>();
 * api.use("*", sesameBearer(verifier));
 * api.get("/me", (c) => c.json({ id: c.get("user").id }));
 */
export function sesameBearer(verifier: RemoteVerifier, options: SesameBearerOptions = {}) {
  const realm = `Bearer realm="${options.realm ?? "sesame"}"`;
  return createMiddleware<{ Variables: SesameVariables }>(async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) {
      c.header("www-authenticate", realm);
      return c.json({ error: "TOKEN_MISSING" }, 401);
    }
    let claims: VerifiedAccessClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      if (isTokenError(error)) {
        c.header(
          "www-authenticate",
          `${realm}, error="invalid_token", error_description="${DESCRIPTION[error.code]}"`,
        );
        return c.json({ error: error.code }, 401);
      }
      if (error instanceof RemoteKeysError) {
        c.header("retry-after", "30");
        return c.json({ error: "AUTH_UNAVAILABLE" }, 503);
      }
      throw error;
    }
    const { user, session } = identityOf(claims);
    c.set("claims", claims);
    c.set("user", user);
    c.set("session", session);
    await next();
  });
}
