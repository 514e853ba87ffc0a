/**
 * Why a token was refused, as the same stable codes Sesame itself answers
 * with (`data.authCode`), so a client handles a refusal by a team's service
 * exactly like one by Sesame: refresh on `TOKEN_EXPIRED`, sign in again on
 * `SESSION_REVOKED`.
 */
export const TOKEN_ERROR_CODES = [
  "TOKEN_MISSING",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "SESSION_REVOKED",
] as const;

export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

/** Sesame's own message for each code: the same failure gives the same body wherever it is refused. */
export const TOKEN_ERROR_MESSAGE: Record<TokenErrorCode, string> = {
  TOKEN_MISSING: "No token was sent.",
  TOKEN_INVALID: "The access token is invalid.",
  TOKEN_EXPIRED: "The access token has expired.",
  SESSION_REVOKED: "The session has been revoked.",
};

/**
 * The token itself is the problem: answer 401. (When the verifier cannot
 * decide, because Sesame's keys could never be fetched, it throws
 * `RemoteKeysError` instead: answer 503.)
 *
 * @example
 * if (isTokenError(error)) return c.json({ error: error.code }, 401);
 */
export class TokenError extends Error {
  override readonly name = "TokenError";

  constructor(
    readonly code: TokenErrorCode,
    options?: { cause?: unknown },
  ) {
    super(TOKEN_ERROR_MESSAGE[code], options);
  }
}

export function isTokenError(error: unknown): error is TokenError {
  return error instanceof TokenError;
}
