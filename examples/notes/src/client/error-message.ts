import { authCodeOf } from "@sesame/client";

/** What to tell the user about a failed call: Sesame's `authCode` says what went wrong. */
export function errorMessage(error: unknown): string {
  switch (authCodeOf(error)) {
    case "INVALID_CREDENTIALS":
      return "Wrong email or password.";
    case "EMAIL_TAKEN":
      return "There is already an account with this email. Log in instead.";
    case "WEAK_PASSWORD":
      return "Choose a longer password.";
    case "RATE_LIMITED":
      return "Too many attempts. Wait a moment and try again.";
    default:
      return error instanceof Error ? error.message : "Something went wrong.";
  }
}
