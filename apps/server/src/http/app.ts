import type { AuthService } from "@sesame/auth";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { bodySizeLimit } from "./body-size-limit.ts";
import type { DeviceCookie } from "./device-cookie.ts";
import { jsonOnly } from "./json-only.ts";
import type { OAuthCookie } from "./oauth-cookie.ts";
import { oauthRoutes } from "./oauth-routes.ts";
import type { OriginPolicy } from "./origin-policy.ts";
import type { RefreshCookie } from "./refresh-cookie.ts";
import { securityHeaders } from "./security-headers.ts";
import { type TrpcEndpointOptions, trpcEndpoint } from "./trpc-endpoint.ts";
import { mountWebApp } from "./web-app.ts";
import { wellKnownRoutes } from "./well-known.ts";

export interface HttpAppOptions extends TrpcEndpointOptions {
  auth: AuthService;
  originPolicy: OriginPolicy;
  refreshCookie: RefreshCookie;
  deviceCookie: DeviceCookie;
  oauthCookie: OAuthCookie;
  trustProxy: boolean;
  issuer: string;
  bodyLimitBytes: number;
  webDist: string | undefined;
  jwks: () => unknown;
  log: (message: string) => void;
}

/** The HTTP host: Hono in front of tRPC's fetch adapter, plus health, JWKS and the web app. */
export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();
  app.use("*", securityHeaders());

  app.get("/healthz", (c) => c.json({ ok: true }, 200, { "cache-control": "no-store" }));
  app.route("/.well-known", wellKnownRoutes(options.issuer, options.jwks));

  const corsHeaders = cors({
    origin: (origin) => (options.originPolicy.isAllowedCrossOrigin(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["content-type", "authorization", "dpop", "trpc-accept", "x-trpc-source"],
    maxAge: 600,
  });
  app.use(
    "/trpc/*",
    // CORS only concerns requests that name an origin; the others skip its header work.
    (c, next) => (c.req.header("origin") === undefined ? next() : corsHeaders(c, next)),
    bodySizeLimit(options.bodyLimitBytes),
    jsonOnly(options.refreshCookie),
  );
  app.all("/trpc/*", trpcEndpoint(options));
  app.route("/auth/oauth", oauthRoutes(options));

  if (options.webDist && mountWebApp(app, options.webDist)) {
    options.log(`Serving the web app from ${options.webDist}`);
  }

  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => {
    options.onInternalError(error, c.req.path);
    return c.json({ error: "Internal server error" }, 500);
  });
  return app;
}
