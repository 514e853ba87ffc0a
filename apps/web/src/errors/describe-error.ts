import { authCodeOf } from "@sesame/client";
import { AUTH_CODE_MESSAGE, type AuthCode } from "@sesame/contracts";

export interface ErrorDescription {
  /** WEBAUTHN: the browser or the authenticator refused a passkey request, before Sesame saw it. */
  code: AuthCode | "NETWORK" | "WEBAUTHN";
  /** A sentence for the person at the keyboard. */
  message: string;
  /** RATE_LIMITED: when they may try again (epoch seconds). */
  retryAt?: number;
  /** WEAK_PASSWORD: the rule the password broke, from the server's policy. */
  reason?: string;
  /** INVALID_INPUT: the server's verdict per field. */
  issues?: Array<{ path: string; message: string }>;
  /** LINK_EXPIRED: the address the link was mailed to, for sending a new one in one click. */
  email?: string;
  /** MFA_REQUIRED: the single-use ticket `auth.verifyMfa` takes with the second factor. */
  mfaToken?: string;
  /** MFA_REQUIRED: the second factors the ticket accepts ("totp", "recovery_code"). */
  methods?: string[];
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
  LINK_INVALID:
    "This link can't be used: it was already used, a newer link replaced it, or it was copied only in part.",
  LINK_EXPIRED: "This link has expired.",
  // The server has mailed a link (a fresh one, unless it sent too many lately): the way forward is in their inbox.
  EMAIL_NOT_VERIFIED: "Confirm your email address first: open the link we mailed you, then log in.",
  // The password was right: the code step takes over, so this is seldom read.
  MFA_REQUIRED: "Enter the code from your authenticator app to finish logging in.",
  // The ticket is still good: they try again on the same step.
  MFA_CODE_INVALID: "That code didn't work. Check it and try again.",
  // Five minutes passed, or the ticket was spent (in another tab, say): only the password step can issue a new one.
  MFA_TOKEN_INVALID: "That log-in took too long to finish. Enter your password again.",
  // Turned on meanwhile in another tab or on another device.
  MFA_ALREADY_ENABLED:
    "Two-factor authentication is already on for this account. Reload the page to see it.",
  MFA_NOT_ENABLED:
    "Two-factor authentication is off for this account (turned off elsewhere, or the set-up was restarted). Reload the page and try again.",
  // The session signed in with a password only; a team's sensitive procedure wants the code too.
  STEP_UP_REQUIRED: "To do this, log out and log in again with your authenticator app's code.",
  MFA_ENROLLMENT_REQUIRED:
    "Your account needs two-factor authentication: turn it on, then sign in again.",
  // At a passkey sign-in, most often a passkey removed from the account but still on the device.
  PASSKEY_INVALID:
    "That passkey didn't work. It may have been removed from your account: use your password or another passkey.",
  // Removed meanwhile in another tab or on another device.
  PASSKEY_NOT_FOUND: "That passkey was already removed. Reload the page to see your passkeys.",
  // Back from a provider (`/login#error=…`): the sign-in was started in another browser, or took over 10 minutes.
  OAUTH_STATE_INVALID: "That sign-in took too long or was started elsewhere. Try again.",
  OAUTH_FAILED: "The sign-in provider couldn't confirm who you are. Try again.",
  // A provider removed from the configuration since the button was drawn.
  OAUTH_PROVIDER_UNKNOWN: "That way of signing in isn't available any more. Use another.",
  OAUTH_REDIRECT_URI_INVALID: "Sesame refused where that sign-in was to return to. Try again.",
  // Not joined to the account of the same address unless both sides verified it: the owner logs in and links.
  ACCOUNT_EXISTS:
    "An account with this email already exists. Log in with your password, then link the provider on your account page.",
  IDENTITY_TAKEN: "That provider account is already linked to another Sesame account.",
  IDENTITY_NOT_FOUND: "That provider isn't linked to your account any more. Reload the page.",
  LAST_SIGN_IN_METHOD:
    "This is your only way to sign in. Add a password or another sign-in method first.",
};

/** A link page opened without a token a link of ours could carry: cut short, or typed by hand. */
export const MISSING_LINK_TOKEN: ErrorDescription = {
  code: "LINK_INVALID",
  message:
    "This address holds no usable link. Open the link from the email again, or copy all of it into the address bar.",
};

/** The words for `code`, for a page that explains it before any call fails (MFA_ENROLLMENT_REQUIRED). */
export function messageOf(code: AuthCode): string {
  return MESSAGES[code] ?? AUTH_CODE_MESSAGE[code] ?? "Something went wrong.";
}

/** Turns a failed call into words, keeping the details a form can place next to a field. */
export function describeError(error: unknown): ErrorDescription {
  const code = authCodeOf(error);
  if (code === undefined) {
    return { code: "NETWORK", message: "Can't reach Sesame. Check your connection and try again." };
  }
  const data = (error as { data: Record<string, unknown> }).data;
  return {
    code,
    message: messageOf(code),
    ...(typeof data.retryAt === "number" ? { retryAt: data.retryAt } : {}),
    ...(typeof data.reason === "string" ? { reason: data.reason } : {}),
    ...(Array.isArray(data.issues) ? { issues: data.issues } : {}),
    ...(typeof data.email === "string" ? { email: data.email } : {}),
    ...(typeof data.mfaToken === "string" ? { mfaToken: data.mfaToken } : {}),
    ...(Array.isArray(data.methods)
      ? { methods: data.methods.filter((m): m is string => typeof m === "string") }
      : {}),
  };
}
