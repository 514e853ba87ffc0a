/** Stable codes of key-set failures, for the CLI and its callers to branch on. */
export type KeySetErrorCode =
  | "ERR_KEY_SET_INVALID"
  | "ERR_KEY_SET_NO_NEXT_KEY"
  | "ERR_KEY_SET_NEXT_KEY_TOO_NEW";

/**
 * Why a key set could not be used or rotated. Like jose's errors, it carries a
 * stable `code`; the message is for people.
 *
 * @example
 * if (error instanceof KeySetError && error.code === "ERR_KEY_SET_NEXT_KEY_TOO_NEW") retryLater();
 */
export class KeySetError extends Error {
  override readonly name = "KeySetError";

  constructor(
    readonly code: KeySetErrorCode,
    message: string,
  ) {
    super(message);
  }
}
