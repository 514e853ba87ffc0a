import type { RequestBudget } from "@sesame/auth";
import type { Context } from "./context.ts";
import { authFailure } from "./trpc.ts";

/** Cookie-authenticated (or cookie-setting) mutations come only from allowed origins: CSRF and login-CSRF. */
export function assertCookieOrigin(ctx: Context): void {
  if (!ctx.originPolicy.allowsCookieRequest(ctx.req)) throw authFailure("CSRF_REJECTED");
}

/** Counts a token request against the caller's IP budget; throws `RATE_LIMITED` when spent. */
export async function assertWithinIpBudget(ctx: Context, budget: RequestBudget): Promise<void> {
  const retryAtMs = await budget.spend(ctx.meta.ip ?? "unknown");
  if (retryAtMs !== undefined) {
    throw authFailure("RATE_LIMITED", { retryAt: Math.ceil(retryAtMs / 1000) });
  }
}

/** The refresh token from the cookie, only for a request that may use the cookie. */
export function cookieRefreshToken(ctx: Context): string | undefined {
  const token = ctx.refreshCookie.read(ctx.req.headers.get("cookie"));
  if (token !== undefined) assertCookieOrigin(ctx);
  return token;
}
