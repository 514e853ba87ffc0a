import { Hono } from "hono";

/**
 * Discovery for other services: the public keys (RFC 7517) and enough of the
 * OpenID Provider metadata (RFC 8414) to find them from the issuer URL alone.
 * The JWKS may be cached for five minutes: a new key is published as `next`
 * long before it signs anything, and a verifier seeing an unknown `kid`
 * fetches again anyway.
 */
export function wellKnownRoutes(issuer: string, jwks: () => unknown): Hono {
  const routes = new Hono();
  routes.get("/jwks.json", (c) =>
    c.json(jwks(), 200, {
      "cache-control": "public, max-age=300, stale-while-revalidate=60",
      "access-control-allow-origin": "*",
    }),
  );
  routes.get("/openid-configuration", (c) =>
    c.json(
      {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
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
