import { AuthError } from "@sesame/auth";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context as HonoContext } from "hono";
import { appRouter } from "../routers/app-router.ts";
import { type ContextDeps, createContextInner } from "../trpc/context.ts";
import { clientIp } from "./client-ip.ts";

export interface TrpcEndpointOptions extends ContextDeps {
  trustProxy: boolean;
  onInternalError: (error: unknown, path: string | undefined) => void;
}

/** Serves the tRPC API at `/trpc` through tRPC's fetch adapter. */
export function trpcEndpoint(options: TrpcEndpointOptions) {
  return (c: HonoContext) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      // A batch runs every call it names: bound it so one request cannot fan out without limit.
      maxBatchSize: 16,
      createContext: ({ req, resHeaders }) =>
        createContextInner(options, req, resHeaders, clientIp(c, options.trustProxy)),
      responseMeta: ({ errors }) => ({ headers: errorHeaders(errors, options.auth.now()) }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          options.onInternalError(error.cause ?? error, path);
      },
    });
}

/**
 * Token responses must never be cached (RFC 6749 §5.1). A 401 names the
 * Bearer scheme (RFC 6750 §3); a 429 says when to come back (RFC 9110 §10.2.3).
 */
function errorHeaders(
  errors: ReadonlyArray<{ code: string; cause?: unknown }>,
  nowMs: number,
): Record<string, string> {
  // A plain object, not a Headers instance: most responses carry no error, and this runs for each.
  // `Date` is the auth core's clock: clients date their DPoP proofs by it (RFC 9449 §8 lets a server
  // steer the client's clock), and in tests that clock is moved by hand.
  const headers: Record<string, string> = {
    "cache-control": "no-store",
    date: new Date(nowMs).toUTCString(),
  };
  for (const error of errors) {
    const cause = error.cause;
    if (!(cause instanceof AuthError)) continue;
    if (cause.code === "RATE_LIMITED" && cause.details.retryAt !== undefined) {
      const seconds = Math.max(1, cause.details.retryAt - Math.floor(nowMs / 1000));
      headers["retry-after"] = String(seconds);
    }
    // The database is away: worth trying again shortly (RFC 9110 §10.2.3), not a verdict on the request.
    if (cause.code === "UNAVAILABLE") headers["retry-after"] = "1";
    if (cause.code === "TOKEN_MISSING") headers["www-authenticate"] = 'Bearer realm="sesame"';
    if (
      cause.code === "TOKEN_INVALID" ||
      cause.code === "TOKEN_EXPIRED" ||
      cause.code === "SESSION_REVOKED"
    ) {
      headers["www-authenticate"] = 'Bearer realm="sesame", error="invalid_token"';
    }
  }
  return headers;
}
