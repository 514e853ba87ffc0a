import { type AuthCode, AuthError } from "@sesame/auth";
import type { TRPCError } from "@trpc/server";
import { ZodError } from "zod";

export interface ErrorData {
  message: string;
  fields: {
    authCode?: AuthCode;
    retryAt?: number;
    reason?: string;
    /** For LINK_EXPIRED: where the link was mailed, for a one-click new one. */
    email?: string;
    /** For MFA_REQUIRED: the ticket for `auth.verifyMfa`, and the second factors it accepts. */
    mfaToken?: string;
    methods?: string[];
    /** For INVALID_INPUT from validation: which field and why, for forms. */
    issues?: Array<{ path: string; message: string }>;
  };
}

/** Fixed messages for errors that do not come from the auth core: parser text and stacks never leave. */
const GENERIC_MESSAGE: Partial<Record<TRPCError["code"], string>> = {
  PARSE_ERROR: "The input is not valid JSON.",
  BAD_REQUEST: "The input is invalid.",
  NOT_FOUND: "No such procedure.",
  METHOD_NOT_SUPPORTED: "This procedure does not accept that HTTP method.",
  UNSUPPORTED_MEDIA_TYPE: "Send JSON (Content-Type: application/json).",
  PAYLOAD_TOO_LARGE: "The request body is too large.",
  INTERNAL_SERVER_ERROR: "Internal server error.",
};

/** The message for a failure that is not the auth core's. */
export function genericMessage(code: TRPCError["code"]): string {
  return GENERIC_MESSAGE[code] ?? "The request failed.";
}

/** Bad requests of every kind are one code clients can branch on. */
const INPUT_ERROR_CODES = new Set<TRPCError["code"]>([
  "PARSE_ERROR",
  "BAD_REQUEST",
  "NOT_FOUND",
  "METHOD_NOT_SUPPORTED",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
]);

/**
 * The body of every error: a stable message and `authCode`, never a stack
 * trace or an internal message, so the same failure always gives the same body.
 */
export function toErrorData(error: TRPCError): ErrorData {
  const cause = error.cause;
  if (cause instanceof AuthError) {
    return {
      message: cause.message,
      fields: { authCode: cause.code, ...cause.details },
    };
  }
  // tRPC reports unparsable JSON input as BAD_REQUEST caused by the parser's SyntaxError.
  const unparsable = error.code === "BAD_REQUEST" && cause instanceof SyntaxError;
  const message = genericMessage(unparsable ? "PARSE_ERROR" : error.code);
  if (!INPUT_ERROR_CODES.has(error.code)) return { message, fields: {} };
  const issues =
    cause instanceof ZodError
      ? cause.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }))
      : undefined;
  return { message, fields: { authCode: "INVALID_INPUT", ...(issues ? { issues } : {}) } };
}
