import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./inputs.ts";

export type PasswordLengthProblem = "too_short" | "too_long";

/**
 * The length half of the password policy, shared with clients for instant form
 * feedback. Counts Unicode code points, not UTF-16 units, as NIST SP 800-63B
 * counts characters, of the NFKC form that is actually hashed (so "é" typed
 * as e + combining accent is one character, as it is once normalized).
 */
export function checkPasswordLength(password: string): PasswordLengthProblem | undefined {
  let length = 0;
  for (const _ of password.normalize("NFKC")) {
    length++;
    if (length > PASSWORD_MAX_LENGTH) return "too_long";
  }
  return length < PASSWORD_MIN_LENGTH ? "too_short" : undefined;
}
