import type { TRPCError } from "@trpc/server";
import { RemoteKeysError } from "../remote/remote-keys-error.ts";
import { isTokenError, type TokenErrorCode } from "../token-error.ts";

/**
 * What `verifiedProcedure`'s refusals add to an error's `data`: Sesame's
 * `authCode`, so a client branches on a refusal here exactly as on one by
 * Sesame. The one line a host's error formatter needs:
 * `errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, ...tokenErrorData(error) } })`.
 * Other errors add nothing.
 */
export function tokenErrorData(error: TRPCError): { authCode?: TokenErrorCode | "UNAVAILABLE" } {
  if (isTokenError(error.cause)) return { authCode: error.cause.code };
  if (error.cause instanceof RemoteKeysError) return { authCode: "UNAVAILABLE" };
  return {};
}
