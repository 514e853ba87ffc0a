import type { MiddlewareHandler } from "hono";
import { httpErrorResponse } from "./http-error.ts";
import type { RefreshCookie } from "./refresh-cookie.ts";

/**
 * Only JSON bodies reach the API. tRPC would otherwise accept
 * `multipart/form-data`, and a cross-site HTML form can send that (or
 * `text/plain`) with the victim's cookie and no CORS preflight. A non-JSON
 * POST carrying the refresh cookie is a forgery attempt: 403 `CSRF_REJECTED`;
 * any other is a plain bad request: 415.
 */
export function jsonOnly(refreshCookie: RefreshCookie, endpoint: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const type = c.req.header("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
    if (type === "application/json") return next();
    if (refreshCookie.read(c.req.header("cookie") ?? null) !== undefined) {
      return httpErrorResponse(c.req.url, endpoint, 403, "FORBIDDEN", "CSRF_REJECTED");
    }
    return httpErrorResponse(c.req.url, endpoint, 415, "UNSUPPORTED_MEDIA_TYPE", "INVALID_INPUT");
  };
}
