import type { AuthCode } from "@sesame/auth";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { MiddlewareHandler } from "hono";
import { httpErrorResponse } from "./http-error.ts";
import type { RefreshCookie } from "./refresh-cookie.ts";
import type { SesameRequest } from "./sesame-request.ts";

export interface NonJsonRefusal {
  status: 403 | 415;
  code: TRPC_ERROR_CODE_KEY;
  authCode: AuthCode;
}

/**
 * Only JSON bodies reach the API. tRPC would otherwise accept
 * `multipart/form-data`, and a cross-site HTML form can send that (or
 * `text/plain`) with the victim's cookie and no CORS preflight. A non-JSON
 * POST carrying the refresh cookie is a forgery attempt: 403 `CSRF_REJECTED`;
 * any other is a plain bad request: 415. Undefined: the request may go on.
 */
export function nonJsonRefusal(
  request: SesameRequest,
  refreshCookie: RefreshCookie,
): NonJsonRefusal | undefined {
  if (request.method !== "POST" || mediaType(request) === "application/json") return undefined;
  if (refreshCookie.read(request.headers.get("cookie")) !== undefined) {
    return { status: 403, code: "FORBIDDEN", authCode: "CSRF_REJECTED" };
  }
  return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", authCode: "INVALID_INPUT" };
}

/** The Content-Type's media type, lowercase (RFC 9110 §8.3.1), as tRPC matches it too. */
export function mediaType(request: SesameRequest): string | undefined {
  return request.headers.get("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
}

/** Answers nonJsonRefusal's refusals, before tRPC reads the body. */
export function jsonOnly(
  refreshCookie: RefreshCookie,
  endpoint: string,
  nowMs: () => number,
): MiddlewareHandler {
  return async (c, next) => {
    const refusal = nonJsonRefusal(c.req.raw, refreshCookie);
    if (refusal === undefined) return next();
    const { status, code, authCode } = refusal;
    return httpErrorResponse(c.req.url, endpoint, nowMs(), status, code, authCode);
  };
}
