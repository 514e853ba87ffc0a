import { AUTH_CODE_MESSAGE, type AuthCode } from "@sesame/auth/contracts";
import { authCodeOf } from "../auth-client/index.ts";

export interface ErrorDescription {
  code: AuthCode | "NETWORK";
  /** A sentence for the person at the keyboard. */
  message: string;
  /** RATE_LIMITED: when they may try again (epoch seconds). */
  retryAt?: number;
  /** WEAK_PASSWORD: the rule the password broke, from the server's policy. */
  reason?: string;
  /** INVALID_INPUT: the server's verdict per field. */
  issues?: Array<{ path: string; message: string }>;
}

/** What each code means to a user; codes not listed here use the server's own message. */
const MESSAGES: Partial<Record<AuthCode, string>> = {
  INVALID_CREDENTIALS: "That email and password don't match an account. Check both and try again.",
  EMAIL_TAKEN: "An account with this email already exists.",
  WEAK_PASSWORD: "Choose a stronger password.",
  RATE_LIMITED: "Too many attempts.",
  INVALID_INPUT: "Some fields need another look.",
  CSRF_REJECTED: "Sesame refused a request from this page. Reload it and try again.",
  SESSION_NOT_FOUND: "That device is already signed out.",
  // At login or sign-up: the proof of this browser's key was refused even after correcting its clock.
  DPOP_INVALID:
    "Sesame could not verify this browser. Check the date and time of this device, then try again.",
};

/** Turns a failed call into words, keeping the details a form can place next to a field. */
export function describeError(error: unknown): ErrorDescription {
  const code = authCodeOf(error);
  if (code === undefined) {
    return { code: "NETWORK", message: "Can't reach Sesame. Check your connection and try again." };
  }
  const data = (error as { data: Record<string, unknown> }).data;
  return {
    code,
    message: MESSAGES[code] ?? AUTH_CODE_MESSAGE[code] ?? "Something went wrong.",
    ...(typeof data.retryAt === "number" ? { retryAt: data.retryAt } : {}),
    ...(typeof data.reason === "string" ? { reason: data.reason } : {}),
    ...(Array.isArray(data.issues) ? { issues: data.issues } : {}),
  };
}
