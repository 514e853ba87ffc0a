import {
  isAuthError,
  RemoteKeysError,
  type RemoteVerifier,
  type VerifiedClaims,
} from "@sesame/auth/remote";
import { createMiddleware } from "hono/factory";

export type SesameVariables = { claims: VerifiedClaims };

const REALM = 'Bearer realm="notes"';

/**
 * Accepts a request only with a Sesame access token in `Authorization:
 * Bearer` (RFC 6750 §2.1), verified locally by the remote verifier: no call
 * to Sesame per request. Failures follow RFC 6750 §3: no token → 401 without
 * an error code; a bad or expired token → 401 `invalid_token`; Sesame's keys
 * unreachable → 503, since that is not the token's fault. The body carries
 * Sesame's own code (`TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`).
 */
export function sesameBearer(verifier: RemoteVerifier) {
  return createMiddleware<{ Variables: SesameVariables }>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match?.[1]) {
      c.header("www-authenticate", REALM);
      return c.json({ error: "TOKEN_MISSING" }, 401);
    }
    try {
      c.set("claims", await verifier.verify(match[1]));
    } catch (error) {
      if (isAuthError(error)) {
        const description = error.code === "TOKEN_EXPIRED" ? "The token expired" : "Invalid token";
        c.header(
          "www-authenticate",
          `${REALM}, error="invalid_token", error_description="${description}"`,
        );
        return c.json({ error: error.code }, 401);
      }
      if (error instanceof RemoteKeysError) {
        c.header("retry-after", "30");
        return c.json({ error: "AUTH_UNAVAILABLE" }, 503);
      }
      throw error;
    }
    await next();
  });
}
