import { AuthError, type AuthService, newBrowserSecret, returnToSchema } from "@sesame/auth";
import { type Context, Hono } from "hono";
import { requestMeta } from "../trpc/context.ts";
import { sessionCookies } from "../trpc/token-delivery.ts";
import { clientIp } from "./client-ip.ts";
import type { DeviceCookie } from "./device-cookie.ts";
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
    const meta = requestMeta(c.req.raw, clientIp(c, options.trustProxy));
    // A sign-in like any other: it spends the IP's sign-in budget.
    if ((await auth.requestBudgets.signIn.spend(meta.ip ?? "unknown")) !== undefined) {
      return toLogin(c, "RATE_LIMITED");
    }
    const callbackUri = oauthCallbackUri(issuer, provider);
    try {
      const outcome = await auth.oauth.finish(
        {
          provider,
          // The public callback URL (the registered redirect URI) with the query the
          // provider added: behind a proxy the URL this request came in on differs.
          callbackUrl: new URL(`${callbackUri}${new URL(c.req.url).search}`),
          callbackUri,
          binding: { browserSecret: secret },
        },
        meta,
        options.deviceCookie.read(c.req.header("cookie") ?? null),
      );
      if (outcome.kind === "signed_in") {
        for (const cookie of sessionCookies(options, outcome.issued, auth.now())) {
          c.header("set-cookie", cookie, { append: true });
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
