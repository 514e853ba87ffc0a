import type { AuthCode } from "@sesame/auth";
import { AUTH_CODE_MESSAGE } from "@sesame/auth";

/**
 * An error answered by the HTTP layer before tRPC runs (oversized or non-JSON
 * bodies), shaped like a tRPC error so every client parses one format.
 */
export function httpErrorResponse(
  status: number,
  code: string,
  authCode: AuthCode,
  message = AUTH_CODE_MESSAGE[authCode],
): Response {
  return Response.json(
    { error: { message, code: -32600, data: { code, httpStatus: status, authCode } } },
    { status, headers: { "cache-control": "no-store" } },
  );
}
