import { AuthError, checkPasswordLength } from "@sesame/contracts";
import { isCommonPassword } from "./common-passwords.ts";

/**
 * NIST SP 800-63B memorized-secret rules: 8 to 1024 characters, no composition
 * rules, no truncation, and none of the passwords its blocklist advice names:
 * known-common ones, one character repeated, a straight run ("abcdefgh").
 * Judged on the NFKC form, which is what the hasher hashes: "ｐａｓｓｗｏｒｄ"
 * is "password". Throws `WEAK_PASSWORD` with the reason the user can act on.
 */
export function assertAcceptablePassword(password: string): void {
  const secret = password.normalize("NFKC");
  const lengthProblem = checkPasswordLength(secret);
  if (lengthProblem === "too_short") {
    throw new AuthError("WEAK_PASSWORD", { reason: "Use at least 8 characters." });
  }
  if (lengthProblem === "too_long") {
    throw new AuthError("WEAK_PASSWORD", { reason: "Use at most 1024 characters." });
  }
  if (isCommonPassword(secret)) {
    throw new AuthError("WEAK_PASSWORD", {
      reason: "This password is too common; choose one that is harder to guess.",
    });
  }
  if (isRepetitiveOrSequential(secret)) {
    throw new AuthError("WEAK_PASSWORD", {
      reason: "Avoid one character repeated or a straight run like abcdefgh.",
    });
  }
}

/** Every character the same, or each one step up (or down) from the last. */
function isRepetitiveOrSequential(secret: string): boolean {
  const codes = Array.from(secret, (character) => character.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (Math.abs(step) > 1) return false;
  return codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step);
}
