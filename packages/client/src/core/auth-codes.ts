import type { AuthCode } from "@sesame/contracts";

/** The `authCode` a failed call carries (`error.data.authCode`), if the server answered with one. */
export function authCodeOf(error: unknown): AuthCode | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data = (error as { data: unknown }).data;
  if (typeof data !== "object" || data === null || !("authCode" in data)) return undefined;
  const code = (data as { authCode: unknown }).authCode;
  return typeof code === "string" ? (code as AuthCode) : undefined;
}

/** The access token is unusable but the session may be fine: refresh once and retry. */
export const RENEWABLE_CODES: ReadonlySet<AuthCode> = new Set([
  "TOKEN_EXPIRED",
  "TOKEN_INVALID",
  "TOKEN_MISSING",
]);

/**
 * The session itself is over (revoked, expired, its refresh token stolen or
 * gone, or bound to a DPoP key this browser no longer holds): no retry can
 * help, every tab must sign out. The tabs share the key, so one tab's
 * DPOP_INVALID is every tab's.
 */
export const SESSION_ENDED_CODES: ReadonlySet<AuthCode> = new Set([
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
  "REFRESH_INVALID",
  "REFRESH_REUSED",
  "TOKEN_MISSING",
  "ACCOUNT_DISABLED",
  "DPOP_INVALID",
]);
