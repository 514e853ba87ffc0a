import { AUTH_CODE_MESSAGE, type AuthCode } from "./auth-codes.ts";

export interface AuthErrorDetails {
  /** For RATE_LIMITED: when the caller may try again (epoch seconds). */
  retryAt?: number;
  /** For WEAK_PASSWORD and INVALID_INPUT: which rule failed, safe to show the user. */
  reason?: string;
  /**
   * For LINK_EXPIRED: the address the link was mailed to, so its page can
   * offer a new link in one click. Told only to someone holding the link,
   * who read it in that mailbox.
   */
  email?: string;
  /** For MFA_REQUIRED: the single-use ticket `auth.verifyMfa` takes, and the second factors it accepts. */
  mfaToken?: string;
  methods?: string[];
}

/**
 * The one error class of the auth core. The router boundary turns it into a
 * TRPCError carrying `data.authCode`; nothing else needs to know HTTP.
 *
 * @example
 * throw new AuthError("TOKEN_EXPIRED");
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthCode;
  readonly details: AuthErrorDetails;

  constructor(code: AuthCode, details: AuthErrorDetails = {}, options?: { cause?: unknown }) {
    super(AUTH_CODE_MESSAGE[code], options);
    this.code = code;
    this.details = details;
  }
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}
