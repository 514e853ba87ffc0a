import type { AuthCode } from "@sesame/auth";
import { AUTH_CODE_MESSAGE } from "@sesame/auth";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { genericMessage } from "../trpc/error-data.ts";
import { apiResponseHeaders } from "./api-response-headers.ts";

/** The Hono app's answer to an error nothing else caught: never a stack or an internal message. */
export const INTERNAL_ERROR_BODY = { error: "Internal server error" } as const;

/**
 * An error answered by the HTTP layer before tRPC runs (oversized or non-JSON
 * bodies), in exactly the body tRPC would give for the same failure: its
 * JSON-RPC code, the procedure's `path`, and for a batch one error per call.
 * The same failure always gives the same body, and the same headers as
 * every API answer (apiResponseHeaders), whichever layer refuses it.
 */
export function httpErrorResponse(
  url: string,
  endpoint: string,
  nowMs: number,
  status: number,
  code: TRPC_ERROR_CODE_KEY,
  authCode: AuthCode,
): Response {
  // As the error formatter words it: the auth core's message, or the generic one for a bad request.
  const message = authCode === "INVALID_INPUT" ? genericMessage(code) : AUTH_CODE_MESSAGE[authCode];
  const errorFor = (path: string | undefined) => ({
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: status, ...(path ? { path } : {}), authCode },
    },
  });
  const { paths, batch } = calledProcedures(url, endpoint);
  return Response.json(batch ? paths.map(errorFor) : errorFor(paths[0]), {
    status,
    headers: apiResponseHeaders([], nowMs),
  });
}

/** The procedures a `/trpc/a,b?batch=1` URL names, as tRPC's fetch adapter reads them. */
function calledProcedures(url: string, endpoint: string): { paths: string[]; batch: boolean } {
  const { pathname, searchParams } = new URL(url);
  const names = safelyDecoded(
    pathname.slice(endpoint.length).replace(/^\//, "").replace(/\/$/, ""),
  );
  return { paths: names === "" ? [] : names.split(","), batch: searchParams.get("batch") === "1" };
}

/** A malformed escape (`%ZZ`) must not turn a refusal into a 500: such a path names no procedure anyway. */
function safelyDecoded(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}
