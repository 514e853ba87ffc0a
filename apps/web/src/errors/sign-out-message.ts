import type { SignOutReason } from "@sesame/client";

/** Why this person is on the login page, in their words; null when there is nothing to explain. */
export function signOutMessage(reason: SignOutReason | null): string | null {
  if (!reason) return null;
  switch (reason.code) {
    case "SIGNED_OUT":
      return reason.elsewhere ? "You logged out in another tab." : "You have logged out.";
    case "SESSION_REVOKED":
      return "This device was signed out — from your devices page on another device, or because your password was changed. Log in again to continue.";
    case "SESSION_EXPIRED":
      return "Your session has expired. Log in again to continue.";
    case "REFRESH_REUSED":
      return "For your safety we ended this session: its sign-in token was used twice, which can mean it was copied. Log in again, and consider changing your password.";
    case "REFRESH_INVALID":
    case "TOKEN_INVALID":
      return "Your sign-in could not be renewed. Log in again to continue.";
    case "TOKEN_MISSING":
      return "This browser no longer holds your sign-in (were cookies cleared?). Log in again to continue.";
    case "DPOP_INVALID":
      return "This browser no longer holds the key your sign-in was tied to (was its site data cleared?). Log in again to continue.";
    case "ACCOUNT_DISABLED":
      return "This account has been disabled.";
    case "RATE_LIMITED":
      return "Too many sign-in requests from this network just now. Wait a minute, then reload the page.";
    case "UNREACHABLE":
      return "Can't reach Sesame right now. Check your connection, then log in or reload the page.";
    default:
      return "You were signed out. Log in again to continue.";
  }
}
