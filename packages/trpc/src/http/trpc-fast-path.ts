import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import {
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  type inferRouterContext,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import { getHTTPStatusCode, type TRPCRequestInfo } from "@trpc/server/http";
import {
  getAcceptHeader,
  getErrorShape,
  getRequestInfo,
  isAsyncIterable,
  isObject,
  isPromise,
} from "@trpc/server/unstable-core-do-not-import";
import type { ResponseHeaders } from "../trpc/context.ts";
import { clientAddress } from "../trpc/create-context.ts";
import { apiResponseHeaders } from "./api-response-headers.ts";
import { bodyLimitVerdict } from "./body-size-limit.ts";
import { INTERNAL_ERROR_BODY } from "./http-error.ts";
import { mediaType, nonJsonRefusal } from "./json-only.ts";
import { NodeRequestView } from "./node-request-view.ts";
import { OutgoingHeaders } from "./outgoing-headers.ts";
import { ProcedureResponseHeaders } from "./procedure-response-headers.ts";
import type { RefreshCookie } from "./refresh-cookie.ts";
import { SECURITY_HEADERS } from "./security-headers.ts";
import type { SesameRequest } from "./sesame-request.ts";
import { MAX_BATCH_SIZE, reportInternalErrors } from "./trpc-endpoint.ts";

/**
 * What a host's `createContext` gets from Sesame's node listener: tRPC's
 * fetch adapter's options (what the fallback passes) or the fast path's,
 * whose request is a view of node's (SesameRequest) and whose response
 * headers take `append` only. Both carry tRPC's `info` for the call.
 */
export interface NodeListenerContextOptions {
  req: SesameRequest;
  resHeaders: ResponseHeaders;
  info: TRPCRequestInfo;
  ip?: string | null;
}

export interface TrpcFastPathOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** Where the API is served, e.g. `/trpc`. */
  endpoint: string;
  createContext: (
    opts: NodeListenerContextOptions,
  ) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  trustProxy: boolean;
  bodyLimitBytes: number;
  refreshCookie: RefreshCookie;
  nowMs: () => number;
  onInternalError: (error: unknown, path: string | undefined) => void;
}

/** Answers the request and resolves true, or returns false (maybe after a look-up) and leaves it untouched. */
export type FastPath = (
  incoming: IncomingMessage,
  outgoing: ServerResponse,
) => false | Promise<boolean>;

/** One call the fast path has taken on. */
interface SingleCall {
  request: NodeRequestView;
  url: URL;
  /** The procedure path, as tRPC's fetch adapter reads it from the URL. */
  path: string;
}

/**
 * The API's common case answered straight from node's request: a single
 * query by GET or mutation by POST with a JSON body (or none) within the
 * limit, to a procedure of that type, with no `Origin` (CORS is the Hono
 * app's). It calls the procedure as tRPC's `resolveResponse` does and
 * writes what the Hono app would have written, byte for byte: the same
 * status, body (tRPC's own error shaping and transformer), headers and
 * header order. Everything else — batches, streaming, subscriptions,
 * preflights, refusals, unknown procedures, a wrong method, any other path
 * — is not its to answer: it returns false having read nothing, and the
 * Hono app serves it (sesame-node-listener.ts). The rules it applies are
 * the Hono app's own functions (bodyLimitVerdict, nonJsonRefusal,
 * apiResponseHeaders, SECURITY_HEADERS, reportInternalErrors).
 */
export function trpcFastPath<TRouter extends AnyTRPCRouter>(
  options: TrpcFastPathOptions<TRouter>,
): FastPath {
  const config = options.router._def._config;
  const prefix = `${options.endpoint}/`;
  const onError = reportInternalErrors(options.onInternalError);
  type Context = inferRouterContext<TRouter>;

  function singleCallOf(incoming: IncomingMessage): SingleCall | undefined {
    const method = incoming.method;
    if (method !== "GET" && method !== "POST") return undefined;
    const target = incoming.url;
    const host = incoming.headers.host;
    if (!target?.startsWith(prefix) || !host || incoming.headers.origin !== undefined) {
      return undefined;
    }
    // The URL @hono/node-server builds, taken only where it is already canonical (as it then
    // passes it on unchanged) and names this host: anything it would rewrite or refuse is its own.
    const scheme = (incoming.socket as TLSSocket).encrypted ? "https" : "http";
    const href = `${scheme}://${host}${target}`;
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return undefined;
    }
    if (url.href !== href || url.host !== host) return undefined;
    // Undecoded names only (tRPC would decode `%`), dotted ones (another separator is the adapter's to map).
    const name = url.pathname.slice(prefix.length);
    if (name.includes("%") || (config.pathSeparator ?? ".") !== ".") return undefined;
    if (url.searchParams.get("batch") === "1") return undefined;
    const request = new NodeRequestView(incoming, href);
    // Streaming (`trpc-accept`, or `Accept: application/jsonl`) is tRPC's adapter's.
    if (getAcceptHeader(headersForTrpc(request)) !== null) return undefined;
    if (method === "GET") {
      // tRPC reads a GET's input as JSON unless the type names one of its other parsers.
      const type = mediaType(request);
      if (type !== undefined && type !== "application/json") return undefined;
    } else if (
      bodyLimitVerdict(request, options.bodyLimitBytes) !== "within" ||
      nonJsonRefusal(request, options.refreshCookie) !== undefined
    ) {
      return undefined;
    }
    return { request, url, path: name };
  }

  async function serve(
    { request, url, path }: SingleCall,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
  ): Promise<boolean> {
    // Aborted when the client leaves before the answer is out, as the fetch host's request signal is.
    const abort = new AbortController();
    let info: TRPCRequestInfo;
    try {
      info = await getRequestInfo({
        // The members tRPC reads of a request for a JSON call: the body only when the procedure asks for its input.
        req: {
          method: request.method,
          headers: request.headers,
          signal: abort.signal,
          text: () => bodyText(incoming),
        } as unknown as Request,
        path,
        router: options.router,
        searchParams: url.searchParams,
        headers: headersForTrpc(request),
        url,
        maxBatchSize: MAX_BATCH_SIZE,
      });
    } catch {
      return false;
    }
    const call = info.calls[0];
    const procedure = call?.procedure;
    const type = request.method === "GET" ? "query" : "mutation";
    if (!call || !procedure || procedure._def.type !== type) return false;
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) abort.abort("Client connection prematurely closed.");
    });

    const resHeaders = new ProcedureResponseHeaders();
    let ctx: Context | undefined;
    let ctxError: TRPCError | undefined;
    try {
      ctx = await options.createContext({
        req: request,
        resHeaders,
        info,
        ip: clientAddress(
          request.headers.get("x-forwarded-for"),
          incoming.socket.remoteAddress,
          options.trustProxy,
        ),
      });
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }

    let data: unknown;
    let error: TRPCError | undefined;
    try {
      if (ctxError) throw ctxError;
      data = await procedure({
        path: call.path,
        getRawInput: call.getRawInput,
        ctx,
        type,
        signal: abort.signal,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      onError({ error, path: call.path });
    }

    // From here on, resolveResponse's single-call branch, step for step: the order decides
    // which headers a failure while serializing leaves behind.
    const headers = new OutgoingHeaders();
    headers.set("vary", "trpc-accept, accept");
    const finishHeaders = (errors: TRPCError[]) => {
      const meta = apiResponseHeaders(errors, options.nowMs());
      for (const [name, value] of resHeaders.withMeta(meta)) headers.append(name, value);
    };
    let status: number;
    let body: string;
    try {
      headers.set("content-type", "application/json");
      if (!error && isDataStream(data)) {
        throw new TRPCError({
          code: "UNSUPPORTED_MEDIA_TYPE",
          message:
            "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
        });
      }
      const response = error
        ? {
            error: getErrorShape({
              config,
              ctx,
              error,
              input: call.result(),
              path: call.path,
              type,
            }),
          }
        : { result: { data } };
      status = getHTTPStatusCode([response], error ? [error] : []);
      finishHeaders(error ? [error] : []);
      body = JSON.stringify(transformTRPCResponse(config, response));
    } catch (cause) {
      // resolveResponse's outer catch: the call's answer could not be written. Should even this
      // throw (an error formatter that fails), it is the listener's 500, as the Hono app's would be.
      const failure = getTRPCErrorFromUnknown(cause);
      onError({ error: failure, path: undefined });
      const response = {
        error: getErrorShape({
          config,
          error: failure,
          type,
          path: undefined,
          input: undefined,
          ctx,
        }),
      };
      body = JSON.stringify(transformTRPCResponse(config, response));
      status = getHTTPStatusCode(response, [failure]);
      finishHeaders([failure]);
    }
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
    headers.delete("x-powered-by");
    outgoing.writeHead(status, headers.toNode(Buffer.byteLength(body)));
    outgoing.end(body);
    return true;
  }

  return (incoming, outgoing) => {
    const call = singleCallOf(incoming);
    if (call === undefined) return false;
    return serve(call, incoming, outgoing).catch((error: unknown) => {
      // What the Hono app's onError does with an error nothing else caught (sesame-http.ts).
      options.onInternalError(error, call.url.pathname);
      if (outgoing.headersSent) outgoing.destroy();
      else writeInternalError(outgoing);
      return true;
    });
  };
}

/** tRPC's request functions read headers with `get` alone, which the view answers as fetch's `Headers` does. */
function headersForTrpc(request: NodeRequestView): Headers {
  return request.headers as unknown as Headers;
}

/** The body as fetch's `text()` reads it: UTF-8, a leading BOM dropped, bad bytes replaced. */
function bodyText(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => resolve(utf8.decode(Buffer.concat(chunks))));
    incoming.once("error", reject);
    incoming.once("close", () => {
      if (!incoming.complete) reject(new Error("Client connection prematurely closed."));
    });
  });
}

const utf8 = new TextDecoder();

/** tRPC's test for an answer that only a streaming link can carry (resolveResponse's isDataStream). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  return Object.values(value).some(isPromise) || Object.values(value).some(isAsyncIterable);
}

/** The Hono app's `onError` answer (sesame-http.ts), with the security headers every Hono answer gets. */
function writeInternalError(outgoing: ServerResponse): void {
  const body = JSON.stringify(INTERNAL_ERROR_BODY);
  const headers = new OutgoingHeaders();
  headers.set("content-type", "application/json");
  for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
  outgoing.writeHead(500, headers.toNode(Buffer.byteLength(body)));
  outgoing.end(body);
}
