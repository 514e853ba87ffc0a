import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestMeta } from "@sesame/auth";
import { NodeRequestView } from "../http/node-request-view.ts";
import type { SesameRequest } from "../http/sesame-request.ts";
import type { RequestContext, ResponseHeaders, SesameContext, SesameDeps } from "./context.ts";
import { requestMeta } from "./context.ts";

/**
 * What a host's `createContext` receives from its tRPC adapter: the fetch
 * adapter's (Hono, Next.js route handlers, any `Request → Response` host),
 * the node listener's (`sesame.nodeListener`: a view of node's request, and
 * its own response headers), or tRPC's node:http adapter's. `ip` may name
 * the client's address where the host knows it and Sesame cannot (a fetch
 * host without `trustProxy`).
 */
export type ContextOptions =
  | { req: SesameRequest; resHeaders: ResponseHeaders; ip?: string | null }
  | { req: IncomingMessage; res: ServerResponse; ip?: string | null };

/**
 * Client addresses of the requests Sesame's own HTTP side is serving: it
 * knows the socket, the host's `createContext` only sees the `Request`.
 */
const clientIps = new WeakMap<SesameRequest, string | null>();

export function rememberClientIp(request: SesameRequest, ip: string | null): void {
  clientIps.set(request, ip);
}

/**
 * Builds `{ sesame }` for each request. Cookies set by procedures go to the
 * adapter's response headers (fetch, node listener) or straight onto node's
 * response, which tRPC's node adapter keeps when it writes its own headers.
 */
export function sesameContextFactory(deps: SesameDeps, trustProxy: boolean) {
  return function createContext(opts: ContextOptions): SesameContext {
    const sesame: RequestContext =
      "resHeaders" in opts
        ? fromRequest(deps, opts.req, opts.resHeaders, opts.ip, trustProxy)
        : fromNode(deps, opts.req, opts.res, opts.ip, trustProxy);
    return { sesame };
  };
}

function fromRequest(
  deps: SesameDeps,
  req: SesameRequest,
  resHeaders: ResponseHeaders,
  ip: string | null | undefined,
  trustProxy: boolean,
): RequestContext {
  const known = ip !== undefined ? ip : clientIps.get(req);
  const address =
    known !== undefined ? known : forwardedFor(req.headers.get("x-forwarded-for"), trustProxy);
  return requestContext(deps, req, resHeaders, requestMeta(req, address ?? null));
}

function fromNode(
  deps: SesameDeps,
  incoming: IncomingMessage,
  res: ServerResponse,
  ip: string | null | undefined,
  trustProxy: boolean,
): RequestContext {
  const req = NodeRequestView.of(incoming);
  const address =
    ip !== undefined
      ? ip
      : clientAddress(
          req.headers.get("x-forwarded-for"),
          incoming.socket.remoteAddress,
          trustProxy,
        );
  const resHeaders: ResponseHeaders = {
    append: (name, value) => void res.appendHeader(name, value),
  };
  return requestContext(deps, req, resHeaders, requestMeta(req, address));
}

/**
 * The shared parts and the request's, field by field: V8 (Node 20) takes
 * microseconds for `{ ...deps, req, … }` — a spread followed by more
 * properties — a tenth of a trivial query's whole budget. TypeScript
 * insists on every field of SesameDeps here.
 */
function requestContext(
  deps: SesameDeps,
  req: SesameRequest,
  resHeaders: ResponseHeaders,
  meta: RequestMeta,
): RequestContext {
  return {
    auth: deps.auth,
    refreshCookie: deps.refreshCookie,
    deviceCookie: deps.deviceCookie,
    oauthCookie: deps.oauthCookie,
    originPolicy: deps.originPolicy,
    issuer: deps.issuer,
    endpoint: deps.endpoint,
    req,
    resHeaders,
    meta,
  };
}

/**
 * The client's address: behind a proxy you run (trustProxy), from
 * `X-Forwarded-For`; else the socket's, where there is one.
 */
export function clientAddress(
  forwardedHeader: string | null,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string | null {
  return forwardedFor(forwardedHeader, trustProxy) ?? socketAddress ?? null;
}

/**
 * Behind a proxy you run (trustProxy), the last `X-Forwarded-For` entry is
 * the one your proxy appended; anything to its left was written by the
 * client and could be anything.
 */
export function forwardedFor(header: string | null, trustProxy: boolean): string | undefined {
  if (!trustProxy || !header) return undefined;
  return header.split(",").at(-1)?.trim() || undefined;
}
