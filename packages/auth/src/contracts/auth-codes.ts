/**
 * The stable error codes of the Sesame API (DESIGN.md). Clients in any language
 * branch on `error.data.authCode`; the list only ever grows.
 */
export const AUTH_CODES = [
  "INVALID_CREDENTIALS",
  "TOKEN_MISSING",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
  "REFRESH_INVALID",
  "REFRESH_REUSED",
  "EMAIL_TAKEN",
  "WEAK_PASSWORD",
  "RATE_LIMITED",
  "CSRF_REJECTED",
  "FORBIDDEN",
  // Extensions to the DESIGN.md list (added, never renamed):
  "INVALID_INPUT",
  "SESSION_NOT_FOUND",
  "ACCOUNT_DISABLED",
  "DPOP_INVALID",
  "UNAVAILABLE",
  "LINK_INVALID",
  "LINK_EXPIRED",
  "EMAIL_NOT_VERIFIED",
  "MFA_REQUIRED",
  "MFA_CODE_INVALID",
  "MFA_TOKEN_INVALID",
  "MFA_ALREADY_ENABLED",
  "MFA_NOT_ENABLED",
  "STEP_UP_REQUIRED",
  "MFA_ENROLLMENT_REQUIRED",
  "PASSKEY_INVALID",
  "PASSKEY_NOT_FOUND",
] as const;

export type AuthCode = (typeof AUTH_CODES)[number];

/** The tRPC error code each auth code travels as; tRPC maps that to the HTTP status. */
export const AUTH_CODE_TRPC_CODE = {
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  TOKEN_MISSING: "UNAUTHORIZED",
  TOKEN_INVALID: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  SESSION_REVOKED: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  REFRESH_INVALID: "UNAUTHORIZED",
  REFRESH_REUSED: "UNAUTHORIZED",
  EMAIL_TAKEN: "CONFLICT",
  WEAK_PASSWORD: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  CSRF_REJECTED: "FORBIDDEN",
  FORBIDDEN: "FORBIDDEN",
  INVALID_INPUT: "BAD_REQUEST",
  SESSION_NOT_FOUND: "NOT_FOUND",
  ACCOUNT_DISABLED: "FORBIDDEN",
  DPOP_INVALID: "UNAUTHORIZED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  LINK_INVALID: "BAD_REQUEST",
  LINK_EXPIRED: "BAD_REQUEST",
  EMAIL_NOT_VERIFIED: "FORBIDDEN",
  MFA_REQUIRED: "UNAUTHORIZED",
  MFA_CODE_INVALID: "UNAUTHORIZED",
  MFA_TOKEN_INVALID: "UNAUTHORIZED",
  MFA_ALREADY_ENABLED: "CONFLICT",
  MFA_NOT_ENABLED: "BAD_REQUEST",
  STEP_UP_REQUIRED: "FORBIDDEN",
  MFA_ENROLLMENT_REQUIRED: "FORBIDDEN",
  PASSKEY_INVALID: "BAD_REQUEST",
  PASSKEY_NOT_FOUND: "NOT_FOUND",
} as const satisfies Record<AuthCode, string>;

/** The one message each code carries: the same failure always gives the same body. */
export const AUTH_CODE_MESSAGE: Record<AuthCode, string> = {
  INVALID_CREDENTIALS: "Email or password is incorrect.",
  TOKEN_MISSING: "No token was sent.",
  TOKEN_INVALID: "The access token is invalid.",
  TOKEN_EXPIRED: "The access token has expired.",
  SESSION_REVOKED: "The session has been revoked.",
  SESSION_EXPIRED: "The session has expired.",
  REFRESH_INVALID: "The refresh token is invalid.",
  REFRESH_REUSED: "The refresh token was already used; the session has been revoked.",
  EMAIL_TAKEN: "An account with this email already exists.",
  WEAK_PASSWORD: "The password does not meet the password policy.",
  RATE_LIMITED: "Too many attempts. Try again later.",
  CSRF_REJECTED: "The request's origin is not allowed.",
  FORBIDDEN: "You are not allowed to do this.",
  INVALID_INPUT: "The input is invalid.",
  SESSION_NOT_FOUND: "No such session.",
  ACCOUNT_DISABLED: "This account is disabled.",
  DPOP_INVALID: "The DPoP proof is missing or invalid.",
  UNAVAILABLE: "The service is briefly unavailable. Try again in a moment.",
  LINK_INVALID:
    "This link is not valid: it was already used, replaced by a newer one, or mistyped.",
  LINK_EXPIRED: "This link has expired.",
  EMAIL_NOT_VERIFIED: "Confirm your email address first: we have sent you a link.",
  MFA_REQUIRED: "Enter the code from your authenticator app to finish signing in.",
  MFA_CODE_INVALID: "That code is not valid.",
  MFA_TOKEN_INVALID: "This sign-in has expired. Sign in again.",
  MFA_ALREADY_ENABLED: "Two-factor authentication is already on.",
  MFA_NOT_ENABLED: "Two-factor authentication is not on.",
  STEP_UP_REQUIRED: "Sign in again with your second factor to do this.",
  MFA_ENROLLMENT_REQUIRED: "Turn on two-factor authentication, then sign in again with it.",
  PASSKEY_INVALID: "The passkey could not be verified.",
  PASSKEY_NOT_FOUND: "No such passkey.",
};

export function isAuthCode(value: unknown): value is AuthCode {
  return typeof value === "string" && (AUTH_CODES as readonly string[]).includes(value);
}
