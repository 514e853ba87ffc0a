import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext, SesameContext, SesameDeps } from "./context.ts";
import { requestMeta } from "./context.ts";

/**
 * What a host's `createContext` receives from its tRPC adapter: the fetch
 * adapter's (Hono, Next.js route handlers, any `Request → Response` host) or
 * the node:http adapter's. `ip` may name the client's address where the host
 * knows it and Sesame cannot (a fetch host without `trustProxy`).
 */
export type ContextOptions =
  | { req: Request; resHeaders: Headers; ip?: string | null }
  | { req: IncomingMessage; res: ServerResponse; ip?: string | null };

/**
 * Client addresses of the requests Sesame's own HTTP side is serving: it
 * knows the socket, the host's `createContext` only sees the `Request`.
 */
const clientIps = new WeakMap<Request, string | null>();

export function rememberClientIp(request: Request, ip: string | null): void {
  clientIps.set(request, ip);
}

/**
 * Builds `{ sesame }` for each request. Cookies set by procedures go to the
 * adapter's response headers (fetch) or straight onto node's response, which
 * tRPC's node adapter keeps when it writes its own headers.
 */
export function sesameContextFactory(deps: SesameDeps, trustProxy: boolean) {
  return function createContext(opts: ContextOptions): SesameContext {
    const sesame: RequestContext =
      "resHeaders" in opts
        ? fromFetch(deps, opts.req, opts.resHeaders, opts.ip, trustProxy)
        : fromNode(deps, opts.req, opts.res, opts.ip, trustProxy);
    return { sesame };
  };
}

function fromFetch(
  deps: SesameDeps,
  req: Request,
  resHeaders: Headers,
  ip: string | null | undefined,
  trustProxy: boolean,
): RequestContext {
  const known = ip !== undefined ? ip : clientIps.get(req);
  const address =
    known !== undefined ? known : forwardedFor(req.headers.get("x-forwarded-for"), trustProxy);
  return { ...deps, req, resHeaders, meta: requestMeta(req, address ?? null) };
}

function fromNode(
  deps: SesameDeps,
  incoming: IncomingMessage,
  res: ServerResponse,
  ip: string | null | undefined,
  trustProxy: boolean,
): RequestContext {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const encrypted = (incoming.socket as { encrypted?: boolean }).encrypted === true;
  const url = `${encrypted ? "https" : "http"}://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`;
  const req = new Request(url, { method: incoming.method, headers });
  const forwarded = forwardedFor(headers.get("x-forwarded-for"), trustProxy);
  const address = ip !== undefined ? ip : (forwarded ?? incoming.socket.remoteAddress ?? null);
  return {
    ...deps,
    req,
    resHeaders: { append: (name, value) => void res.appendHeader(name, value) },
    meta: requestMeta(req, address),
  };
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
