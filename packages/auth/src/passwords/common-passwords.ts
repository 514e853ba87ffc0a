import { readFileSync } from "node:fs";

let list: Set<string> | undefined;

/**
 * Whether a password is on the shipped list of common passwords: the entries
 * of 8 characters or more among the 100,000 most common of the SecLists
 * "10 million passwords" corpus (see common-passwords.SOURCE.md). Compared
 * case-insensitively, since "Password1" is as guessable as "password1".
 */
export function isCommonPassword(password: string): boolean {
  list ??= new Set(
    readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8").split("\n"),
  );
  return list.has(password.toLowerCase());
}
