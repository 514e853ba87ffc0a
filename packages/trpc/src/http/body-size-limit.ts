import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { httpErrorResponse } from "./http-error.ts";
import type { SesameRequest } from "./sesame-request.ts";

/**
 * Where a request stands against the body limit, from its headers alone:
 * `none` (a GET, HEAD or OPTIONS: nothing to read), `within` or `tooLarge`
 * (a declared Content-Length: Node never delivers more than it declares),
 * or `streamed` (a chunked body, only counted as it arrives).
 */
export type BodyLimitVerdict = "none" | "within" | "tooLarge" | "streamed";

export function bodyLimitVerdict(request: SesameRequest, maxBytes: number): BodyLimitVerdict {
  const method = request.method;
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return "none";
  const declared = request.headers.get("content-length");
  if (declared !== null && request.headers.get("transfer-encoding") === null) {
    return Number(declared) > maxBytes ? "tooLarge" : "within";
  }
  return "streamed";
}

/**
 * Refuses bodies over `maxBytes` with 413 before anything reads them
 * (bodyLimitVerdict). Requests without a body pass untouched: reading
 * `request.body` at all makes @hono/node-server build a full stream-backed
 * Request, which costs a third of a simple GET's time (docs/benchmarks.md).
 */
export function bodySizeLimit(
  maxBytes: number,
  endpoint: string,
  nowMs: () => number,
): MiddlewareHandler {
  const tooLarge = (url: string) =>
    httpErrorResponse(url, endpoint, nowMs(), 413, "PAYLOAD_TOO_LARGE", "INVALID_INPUT");
  const streamingLimit = bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c.req.url) });
  return (c, next) => {
    switch (bodyLimitVerdict(c.req.raw, maxBytes)) {
      case "none":
      case "within":
        return next();
      case "tooLarge":
        return Promise.resolve(tooLarge(c.req.url));
      case "streamed":
        return streamingLimit(c, next);
    }
  };
}
