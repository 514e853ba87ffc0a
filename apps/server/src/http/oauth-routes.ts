import { AuthError, type AuthService, newBrowserSecret, returnToSchema } from "@sesame/auth";
import { type Context, Hono } from "hono";
import { clientIp } from "./client-ip.ts";
import { DEVICE_COOKIE_MAX_AGE, type DeviceCookie } from "./device-cookie.ts";
import type { OAuthCookie } from "./oauth-cookie.ts";
import type { RefreshCookie } from "./refresh-cookie.ts";

export interface OAuthRoutesOptions {
  auth: AuthService;
  issuer: string;
  oauthCookie: OAuthCookie;
  refreshCookie: RefreshCookie;
  deviceCookie: DeviceCookie;
  trustProxy: boolean;
  onInternalError: (error: unknown, path?: string) => void;
}

/** The server's callback for a provider: the redirect URI registered with it. */
export const oauthCallbackUri = (issuer: string, provider: string) =>
  `${issuer}/auth/oauth/${provider}/callback`;

/**
 * The browser side of sign-in with a provider. `start` answers 302 to the
 * provider (state, PKCE S256 and nonce kept server-side, bound to this
 * browser by a cookie); `callback` answers 302 to `returnTo` with the
 * refresh cookie set, or to `/login#error=<authCode>` (an account with a
 * second factor: `/login#error=MFA_REQUIRED&mfaToken=…`). Nothing is ever
 * a JSON error page or a stack.
 */
export function oauthRoutes(options: OAuthRoutesOptions): Hono {
  const { auth, issuer, oauthCookie } = options;
  const app = new Hono();

  app.get("/:provider/start", async (c) => {
    const provider = c.req.param("provider");
    const returnTo = returnToSchema.safeParse(c.req.query("returnTo") ?? "/account");
    if (!returnTo.success) return toLogin(c, "INVALID_INPUT");
    const secret = newBrowserSecret();
    try {
      const url = await auth.oauth.start({
        provider,
        callbackUri: oauthCallbackUri(issuer, provider),
        returnTo: returnTo.data,
        binding: { browserSecret: secret },
      });
      c.header("set-cookie", oauthCookie.set(secret), { append: true });
      c.header("cache-control", "no-store");
      return c.redirect(url.href, 302);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get("/:provider/callback", async (c) => {
    const provider = c.req.param("provider");
    const secret = oauthCookie.read(c.req.header("cookie") ?? null);
    c.header("set-cookie", oauthCookie.clear(), { append: true });
    c.header("cache-control", "no-store");
    if (!secret) return toLogin(c, "OAUTH_STATE_INVALID");
    const meta = {
      ip: clientIp(c, options.trustProxy),
      userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
    };
    // A sign-in like any other: it spends the IP's sign-in budget.
    if ((await auth.requestBudgets.signIn.spend(meta.ip ?? "unknown")) !== undefined) {
      return toLogin(c, "RATE_LIMITED");
    }
    try {
      const outcome = await auth.oauth.finish(
        {
          provider,
          // The public callback URL (the registered redirect URI) with the query the
          // provider added: behind a proxy the URL this request came in on differs.
          callbackUrl: new URL(`${oauthCallbackUri(issuer, provider)}${new URL(c.req.url).search}`),
          callbackUri: oauthCallbackUri(issuer, provider),
          binding: { browserSecret: secret },
        },
        meta,
        options.deviceCookie.read(c.req.header("cookie") ?? null),
      );
      if (outcome.kind === "signed_in") {
        const { issued } = outcome;
        const maxAge = issued.refreshTokenExpiresAt - Math.floor(auth.now() / 1000);
        c.header("set-cookie", options.refreshCookie.set(issued.refreshToken, maxAge), {
          append: true,
        });
        if (issued.deviceToken) {
          c.header(
            "set-cookie",
            options.deviceCookie.set(issued.deviceToken, DEVICE_COOKIE_MAX_AGE),
            {
              append: true,
            },
          );
        }
      }
      return c.redirect(outcome.returnTo, 302);
    } catch (error) {
      return failure(c, error);
    }
  });

  /** An `AuthError` goes back to the web app by its code; anything else is logged, never shown. */
  function failure(c: Context, error: unknown) {
    if (error instanceof AuthError) {
      if (error.code === "MFA_REQUIRED" && error.details.mfaToken) {
        return c.redirect(`/login#error=MFA_REQUIRED&mfaToken=${error.details.mfaToken}`, 302);
      }
      return toLogin(c, error.code);
    }
    options.onInternalError(error, c.req.path);
    return toLogin(c, "OAUTH_FAILED");
  }

  return app;
}

function toLogin(c: Context, code: string): Response {
  return c.redirect(`/login#error=${code}`, 302);
}
