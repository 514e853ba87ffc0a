import { AuthError } from "@sesame/auth";

/**
 * The headers of every API answer, whichever layer gives it (tRPC's fetch
 * adapter, the node fast path, the HTTP layer's refusals). Token responses
 * must never be cached (RFC 6749 §5.1). A 401 names the Bearer scheme
 * (RFC 6750 §3); a 429 says when to come back (RFC 9110 §10.2.3).
 */
export function apiResponseHeaders(
  errors: ReadonlyArray<{ code: string; cause?: unknown }>,
  nowMs: number,
): Record<string, string> {
  // A plain object, not a Headers instance: most responses carry no error, and this runs for each.
  // `Date` is the auth core's clock: clients date their DPoP proofs by it (RFC 9449 §8 lets a server
  // steer the client's clock), and in tests that clock is moved by hand.
  const headers: Record<string, string> = {
    "cache-control": "no-store",
    date: new Date(nowMs).toUTCString(),
  };
  for (const error of errors) {
    const cause = error.cause;
    if (!(cause instanceof AuthError)) continue;
    if (cause.code === "RATE_LIMITED" && cause.details.retryAt !== undefined) {
      const seconds = Math.max(1, cause.details.retryAt - Math.floor(nowMs / 1000));
      headers["retry-after"] = String(seconds);
    }
    // The database is away: worth trying again shortly (RFC 9110 §10.2.3), not a verdict on the request.
    if (cause.code === "UNAVAILABLE") headers["retry-after"] = "1";
    if (cause.code === "TOKEN_MISSING") headers["www-authenticate"] = 'Bearer realm="sesame"';
    if (
      cause.code === "TOKEN_INVALID" ||
      cause.code === "TOKEN_EXPIRED" ||
      cause.code === "SESSION_REVOKED"
    ) {
      headers["www-authenticate"] = 'Bearer realm="sesame", error="invalid_token"';
    }
  }
  return headers;
}
