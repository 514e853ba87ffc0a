import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { httpErrorResponse } from "./http-error.ts";

/**
 * Refuses bodies over `maxBytes` with 413 before anything reads them. A
 * declared Content-Length is checked without touching the body (Node never
 * delivers more than it declares); only a chunked body is counted as it
 * streams in. Requests without a body pass untouched: reading
 * `request.body` at all makes @hono/node-server build a full stream-backed
 * Request, which costs a third of a simple GET's time (docs/benchmarks.md).
 */
export function bodySizeLimit(maxBytes: number, endpoint: string): MiddlewareHandler {
  const tooLarge = (url: string) =>
    httpErrorResponse(url, endpoint, 413, "PAYLOAD_TOO_LARGE", "INVALID_INPUT");
  const streamingLimit = bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c.req.url) });
  return (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      return Number(declared) > maxBytes ? Promise.resolve(tooLarge(c.req.url)) : next();
    }
    return streamingLimit(c, next);
  };
}
