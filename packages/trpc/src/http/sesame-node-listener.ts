import type { RequestListener } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { AnyTRPCRouter } from "@trpc/server";
import type { Hono } from "hono";
import type { SesameDeps } from "../trpc/context.ts";
import { type SesameHttpOptions, sesameHttp } from "./sesame-http.ts";
import { type FastPath, type TrpcFastPathOptions, trpcFastPath } from "./trpc-fast-path.ts";

export interface SesameNodeListenerOptions<TRouter extends AnyTRPCRouter>
  extends Omit<SesameHttpOptions<TRouter>, "createContext"> {
  /** The host's context function: it is given the fast path's options or the fetch adapter's. */
  createContext: TrpcFastPathOptions<TRouter>["createContext"];
  /**
   * What serves everything the fast path leaves: by default `sesameHttp`'s
   * app for the same router and context. Pass that app yourself when you
   * have added routes to it.
   */
  app?: Hono;
}

/**
 * Sesame's HTTP side for a node:http server: the fast path
 * (trpc-fast-path.ts) answers the API's single calls straight from node's
 * request, and whatever it leaves goes to the Hono app through
 * @hono/node-server, as it would without it. Both give the same bytes.
 */
export function sesameNodeListener<TRouter extends AnyTRPCRouter>(
  deps: SesameDeps,
  options: SesameNodeListenerOptions<TRouter>,
): RequestListener {
  const app = options.app ?? sesameHttp(deps, options);
  const fastPath = trpcFastPath({
    router: options.router,
    endpoint: deps.endpoint,
    createContext: options.createContext,
    trustProxy: options.trustProxy,
    bodyLimitBytes: options.bodyLimitBytes,
    refreshCookie: deps.refreshCookie,
    nowMs: () => deps.auth.now(),
    onInternalError: options.onInternalError,
  });
  return withFastPath(fastPath, getRequestListener(app.fetch));
}

/** Node's listener: the fast path first, the fallback for what it declines. */
export function withFastPath(fastPath: FastPath, fallback: RequestListener): RequestListener {
  return (incoming, outgoing) => {
    const answered = fastPath(incoming, outgoing);
    if (answered === false) return fallback(incoming, outgoing);
    void answered.then((done) => {
      if (!done) fallback(incoming, outgoing);
    });
  };
}
