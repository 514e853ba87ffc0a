import type { AnyTRPCRouter, inferRouterContext, TRPCError } from "@trpc/server";
import { type FetchCreateContextFnOptions, fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Context as HonoContext } from "hono";
import { rememberClientIp } from "../trpc/create-context.ts";
import { apiResponseHeaders } from "./api-response-headers.ts";
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

/** A batch runs every call it names: bound it so one request cannot fan out without limit. */
export const MAX_BATCH_SIZE = 16;

/**
 * What tRPC's `onError` does for Sesame, on every path that calls a
 * procedure: an internal error goes to the host's log (with its cause, not
 * tRPC's wrapper); every other error is an answer, not an incident.
 */
export function reportInternalErrors(
  onInternalError: TrpcEndpointOptions<never>["onInternalError"],
) {
  return ({ error, path }: { error: TRPCError; path: string | undefined }): void => {
    if (error.code === "INTERNAL_SERVER_ERROR") onInternalError(error.cause ?? error, path);
  };
}

/** Serves a tRPC router (Sesame's, or a host's with Sesame in it) through tRPC's fetch adapter. */
export function trpcEndpoint<TRouter extends AnyTRPCRouter>(options: TrpcEndpointOptions<TRouter>) {
  const onError = reportInternalErrors(options.onInternalError);
  return (c: HonoContext) => {
    // The host's createContext sees only the Request: the address travels with it.
    rememberClientIp(c.req.raw, clientIp(c, options.trustProxy));
    return fetchRequestHandler({
      endpoint: options.endpoint,
      req: c.req.raw,
      router: options.router,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: options.createContext,
      responseMeta: ({ errors }) => ({ headers: apiResponseHeaders(errors, options.nowMs()) }),
      onError,
    } as Parameters<typeof fetchRequestHandler<TRouter>>[0]);
  };
}
