import { JWKS_CACHE_CONTROL, POLL_ENDPOINT_METADATA } from "@sesame/auth";
import { Hono } from "hono";
import { SECURITY_EVENT_POLL_PATH } from "./security-event-routes.ts";

/**
 * Discovery for other services: the public keys (RFC 7517 §5) and enough of
 * the authorization server metadata (RFC 8414 §2, served at the OpenID
 * Connect path that most libraries look up) to find them from the issuer URL.
 *
 * The cache headers are part of the rotation schedule (jwks-cache-policy.ts):
 * a verifier may keep the key set for `max-age` and serve it stale for
 * `stale-while-revalidate` more, so `pnpm keys rotate` promotes only a `next`
 * key published at least that long ago, and retired keys stay published for
 * days — longer than any cache lives. A verifier seeing an unknown `kid`
 * refetches anyway. The metadata names only URLs, which never change with
 * rotation, so it may be cached for an hour.
 *
 * The metadata also names the poll endpoint of the revocation feed
 * (`security_event_poll_endpoint`, a Sesame-specific member); polling it
 * needs a receiver's secret.
 *
 * Both are public by nature (RFC 8414 §3): any origin may read them.
 */
export function wellKnownRoutes(issuer: string, jwks: () => unknown): Hono {
  const routes = new Hono();
  routes.get("/jwks.json", (c) =>
    c.json(jwks(), 200, {
      "cache-control": JWKS_CACHE_CONTROL,
      "access-control-allow-origin": "*",
    }),
  );
  routes.get("/openid-configuration", (c) =>
    c.json(
      {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        [POLL_ENDPOINT_METADATA]: `${issuer}${SECURITY_EVENT_POLL_PATH}`,
        token_endpoint_auth_methods_supported: ["none"],
        response_types_supported: ["token"],
        subject_types_supported: ["public"],
      },
      200,
      { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" },
    ),
  );
  return routes;
}
