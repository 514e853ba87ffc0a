import type { TRPCError } from "@trpc/server";
import { type ErrorData, toErrorData } from "./error-data.ts";

/**
 * What Sesame adds to an error's `data` (`authCode`, and `retryAt`,
 * `reason`, `mfaToken`, `methods`, `email`, `issues` where they apply): the
 * one line a host's own error formatter needs so that clients can branch
 * on the failure —
 * `errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, ...sesameErrorData(error) } })`.
 */
export function sesameErrorData(error: TRPCError): ErrorData["fields"] {
  return toErrorData(error).fields;
}

/**
 * The formatter of the standalone server: a stable message and the fields
 * above, and never a stack trace or an internal message, so the same failure
 * always gives the same body.
 */
export function sesameErrorFormatter({
  shape,
  error,
}: {
  shape: {
    code: number;
    message: string;
    data: { code: TRPCError["code"]; httpStatus: number; path?: string };
  };
  error: TRPCError;
}) {
  const data = toErrorData(error);
  return {
    code: shape.code,
    message: data.message,
    data: {
      code: shape.data.code,
      httpStatus: shape.data.httpStatus,
      path: shape.data.path,
      ...data.fields,
    },
  };
}
