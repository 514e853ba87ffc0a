import type { AuthResult, IssuedTokens, Transport } from "@sesame/auth";
import { DEVICE_COOKIE_MAX_AGE, type DeviceCookie } from "../http/device-cookie.ts";
import type { RefreshCookie } from "../http/refresh-cookie.ts";
import type { RequestContext } from "./context.ts";

/**
 * Hands a fresh pair to the client by its transport: for browsers the refresh
 * token goes only into the httpOnly cookie and never into JSON a script could
 * read; for native apps only into the body.
 */
export function deliverTokens(
  ctx: RequestContext,
  issued: IssuedTokens,
  transport: Transport,
): AuthResult {
  const result: AuthResult = {
    accessToken: issued.accessToken,
    tokenType: "Bearer",
    accessTokenExpiresAt: issued.accessTokenExpiresAt,
    refreshTokenExpiresAt: issued.refreshTokenExpiresAt,
    user: issued.user,
  };
  if (transport === "body") {
    const device = issued.deviceToken ? { deviceToken: issued.deviceToken } : {};
    return { ...result, refreshToken: issued.refreshToken, ...device };
  }
  for (const cookie of sessionCookies(ctx, issued, ctx.auth.now())) {
    ctx.resHeaders.append("set-cookie", cookie);
  }
  return result;
}

/**
 * The Set-Cookie values of a fresh pair for a browser: the refresh cookie,
 * living no longer than the refresh token, and the device cookie if one
 * was issued. Shared by the tRPC sign-ins and the OAuth callback.
 */
export function sessionCookies(
  cookies: { refreshCookie: RefreshCookie; deviceCookie: DeviceCookie },
  issued: IssuedTokens,
  nowMs: number,
): string[] {
  const maxAge = issued.refreshTokenExpiresAt - Math.floor(nowMs / 1000);
  const values = [cookies.refreshCookie.set(issued.refreshToken, maxAge)];
  if (issued.deviceToken) {
    values.push(cookies.deviceCookie.set(issued.deviceToken, DEVICE_COOKIE_MAX_AGE));
  }
  return values;
}

export function clearRefreshCookie(ctx: RequestContext): void {
  ctx.resHeaders.append("set-cookie", ctx.refreshCookie.clear());
}
