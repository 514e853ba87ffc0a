import { AuthError } from "../contracts/auth-error.ts";
import { checkPasswordLength } from "../contracts/password-length.ts";
import { isCommonPassword } from "./common-passwords.ts";

/**
 * NIST SP 800-63B memorized-secret rules: 8 to 1024 characters, no composition
 * rules, no truncation, and no password from a list of known-common ones.
 * Throws `WEAK_PASSWORD` with the reason the user can act on.
 */
export function assertAcceptablePassword(password: string): void {
  const lengthProblem = checkPasswordLength(password);
  if (lengthProblem === "too_short") {
    throw new AuthError("WEAK_PASSWORD", { reason: "Use at least 8 characters." });
  }
  if (lengthProblem === "too_long") {
    throw new AuthError("WEAK_PASSWORD", { reason: "Use at most 1024 characters." });
  }
  if (isCommonPassword(password)) {
    throw new AuthError("WEAK_PASSWORD", {
      reason: "This password is too common; choose one that is harder to guess.",
    });
  }
}
