import type { AnyTRPCRouter } from "@trpc/server";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { SesameDeps } from "../trpc/context.ts";
import { bodySizeLimit } from "./body-size-limit.ts";
import { INTERNAL_ERROR_BODY } from "./http-error.ts";
import { jsonOnly } from "./json-only.ts";
import { oauthRoutes } from "./oauth-routes.ts";
import { SECURITY_EVENTS_PATH, securityEventRoutes } from "./security-event-routes.ts";
import { securityHeaders } from "./security-headers.ts";
import { type TrpcEndpointOptions, trpcEndpoint } from "./trpc-endpoint.ts";
import { wellKnownRoutes } from "./well-known.ts";

export interface SesameHttpOptions<TRouter extends AnyTRPCRouter>
  extends Pick<TrpcEndpointOptions<TRouter>, "router" | "onInternalError"> {
  /** The host's context function; by default Sesame's alone (for a router that needs nothing else). */
  createContext?: TrpcEndpointOptions<TRouter>["createContext"];
  trustProxy: boolean;
  bodyLimitBytes: number;
  jwks: () => unknown;
}

/**
 * Sesame's HTTP side, with every protection the API relies on, as one
 * piece: security headers on every response; on the API, CORS for the
 * allowed origins only, a body limit, JSON-only bodies (no form can post with
 * the cookie), no-store and the `Retry-After` / `WWW-Authenticate` headers;
 * plus JWKS and discovery for other services and the provider sign-in routes.
 */
export function sesameHttp<TRouter extends AnyTRPCRouter>(
  deps: SesameDeps,
  options: SesameHttpOptions<TRouter>,
): Hono {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.route("/.well-known", wellKnownRoutes(deps.issuer, options.jwks));
  app.route(SECURITY_EVENTS_PATH, securityEventRoutes(deps.auth.securityEvents));

  const nowMs = () => deps.auth.now();
  const corsHeaders = cors({
    origin: (origin) => (deps.originPolicy.isAllowedCrossOrigin(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["content-type", "authorization", "dpop", "trpc-accept", "x-trpc-source"],
    maxAge: 600,
  });
  app.use(
    `${deps.endpoint}/*`,
    // CORS only concerns requests that name an origin; the others skip its header work.
    (c, next) => (c.req.header("origin") === undefined ? next() : corsHeaders(c, next)),
    bodySizeLimit(options.bodyLimitBytes, deps.endpoint, nowMs),
    jsonOnly(deps.refreshCookie, deps.endpoint, nowMs),
  );
  app.all(
    `${deps.endpoint}/*`,
    trpcEndpoint({
      router: options.router,
      endpoint: deps.endpoint,
      createContext: options.createContext as TrpcEndpointOptions<TRouter>["createContext"],
      trustProxy: options.trustProxy,
      nowMs,
      onInternalError: options.onInternalError,
    }),
  );
  app.route(
    "/auth/oauth",
    oauthRoutes({
      ...deps,
      trustProxy: options.trustProxy,
      onInternalError: options.onInternalError,
    }),
  );

  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => {
    options.onInternalError(error, c.req.path);
    return c.json(INTERNAL_ERROR_BODY, 500);
  });
  return app;
}
