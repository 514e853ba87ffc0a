/** Stable codes of a verifier's key-fetching failures (jose names its errors the same way). */
export type RemoteKeysErrorCode =
  | "ERR_JWKS_UNAVAILABLE"
  | "ERR_JWKS_INVALID"
  | "ERR_DISCOVERY_INVALID";

/**
 * The verifier could not get the issuer's keys: the fault is not the token's,
 * so a resource server answers 503, not 401. Token failures are `TokenError`s
 * (`TOKEN_INVALID`, `TOKEN_EXPIRED`, `SESSION_REVOKED`) instead.
 *
 * @example
 * if (error instanceof RemoteKeysError) return c.json({ error: "AUTH_UNAVAILABLE" }, 503);
 */
export class RemoteKeysError extends Error {
  override readonly name = "RemoteKeysError";

  constructor(
    readonly code: RemoteKeysErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
