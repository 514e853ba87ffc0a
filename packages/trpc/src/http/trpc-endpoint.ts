import { AuthError } from "@sesame/auth";
import type { AnyTRPCRouter, inferRouterContext } from "@trpc/server";
import { type FetchCreateContextFnOptions, fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context as HonoContext } from "hono";
import { rememberClientIp } from "../trpc/create-context.ts";
import { clientIp } from "./client-ip.ts";

export interface TrpcEndpointOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** Where the API is served, e.g. `/trpc`. */
  endpoint: string;
  createContext: (
    opts: FetchCreateContextFnOptions,
  ) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  trustProxy: boolean;
  nowMs: () => number;
  onInternalError: (error: unknown, path: string | undefined) => void;
}

/** Serves a tRPC router (Sesame's, or a host's with Sesame in it) through tRPC's fetch adapter. */
export function trpcEndpoint<TRouter extends AnyTRPCRouter>(options: TrpcEndpointOptions<TRouter>) {
  return (c: HonoContext) => {
    // The host's createContext sees only the Request: the address travels with it.
    rememberClientIp(c.req.raw, clientIp(c, options.trustProxy));
    return fetchRequestHandler({
      endpoint: options.endpoint,
      req: c.req.raw,
      router: options.router,
      // A batch runs every call it names: bound it so one request cannot fan out without limit.
      maxBatchSize: 16,
      createContext: options.createContext,
      responseMeta: ({ errors }) => ({ headers: errorHeaders(errors, options.nowMs()) }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          options.onInternalError(error.cause ?? error, path);
      },
    } as Parameters<typeof fetchRequestHandler<TRouter>>[0]);
  };
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
