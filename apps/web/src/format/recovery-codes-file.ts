import { formatDate } from "./format-time.ts";

/**
 * The text file "Download (.txt)" saves: the codes, one a line, with enough
 * words around them that whoever finds the file in a year knows what they
 * are for, which account, and that each works once.
 */
export function recoveryCodesFile(codes: readonly string[], account: string, madeAt: Date): string {
  return [
    `Sesame recovery codes for ${account}`,
    `Made on ${formatDate(madeAt.toISOString())}. Each code logs you in once, in place of a code from your authenticator app.`,
    "Making new recovery codes voids these. Keep this file somewhere only you can reach.",
    "",
    ...codes,
    "",
  ].join("\n");
}

/** The file's name: the date says which set it is, should there be several. */
export function recoveryCodesFileName(madeAt: Date): string {
  const day = [
    madeAt.getFullYear(),
    String(madeAt.getMonth() + 1).padStart(2, "0"),
    String(madeAt.getDate()).padStart(2, "0"),
  ].join("-");
  return `sesame-recovery-codes-${day}.txt`;
}
