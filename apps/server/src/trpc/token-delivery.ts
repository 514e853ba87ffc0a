import type { AuthResult, IssuedTokens, Transport } from "@sesame/auth";
import { DEVICE_COOKIE_MAX_AGE } from "../http/device-cookie.ts";
import type { Context } from "./context.ts";

/**
 * Hands a fresh pair to the client by its transport: for browsers the refresh
 * token goes only into the httpOnly cookie and never into JSON a script could
 * read; for native apps only into the body.
 */
export function deliverTokens(
  ctx: Context,
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
  const maxAge = issued.refreshTokenExpiresAt - Math.floor(ctx.auth.now() / 1000);
  ctx.resHeaders.append("set-cookie", ctx.refreshCookie.set(issued.refreshToken, maxAge));
  if (issued.deviceToken) {
    ctx.resHeaders.append(
      "set-cookie",
      ctx.deviceCookie.set(issued.deviceToken, DEVICE_COOKIE_MAX_AGE),
    );
  }
  return result;
}

export function clearRefreshCookie(ctx: Context): void {
  ctx.resHeaders.append("set-cookie", ctx.refreshCookie.clear());
}
