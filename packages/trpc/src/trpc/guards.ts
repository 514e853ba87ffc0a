import type { RequestBudget } from "@sesame/auth";
import type { RequestContext } from "./context.ts";
import { authFailure } from "./procedures.ts";

/** Cookie-authenticated (or cookie-setting) mutations come only from allowed origins: CSRF and login-CSRF. */
export function assertCookieOrigin(ctx: RequestContext): void {
  if (!ctx.originPolicy.allowsCookieRequest(ctx.req)) throw authFailure("CSRF_REJECTED");
}

/** Counts a token request against the caller's IP budget; throws `RATE_LIMITED` when spent. */
export async function assertWithinIpBudget(
  ctx: RequestContext,
  budget: RequestBudget,
): Promise<void> {
  const retryAtMs = await budget.spend(ctx.meta.ip ?? "unknown");
  if (retryAtMs !== undefined) {
    throw authFailure("RATE_LIMITED", { retryAt: Math.ceil(retryAtMs / 1000) });
  }
}

/** The refresh token from the cookie, only for a request that may use the cookie. */
export function cookieRefreshToken(ctx: RequestContext): string | undefined {
  const token = ctx.refreshCookie.read(ctx.req.headers.get("cookie"));
  if (token !== undefined) assertCookieOrigin(ctx);
  return token;
}
