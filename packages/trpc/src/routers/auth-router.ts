import {
  AuthError,
  type AuthResult,
  authResultSchema,
  emailAddressInput,
  emailLinkInput,
  finishPasskeyLoginInput,
  type IssuedTokens,
  loginInput,
  logoutAllResultSchema,
  logoutInput,
  oauthFinishInput,
  oauthProviderListSchema,
  oauthStartInput,
  oauthUrlSchema,
  okSchema,
  passkeyLoginStartSchema,
  refreshInput,
  registerInput,
  resetPasswordInput,
  signInWithLinkInput,
  type Transport,
  verifyMfaInput,
} from "@sesame/auth";
import { bearerToken } from "../trpc/bearer-token.ts";
import type { RequestContext } from "../trpc/context.ts";
import { withDpop } from "../trpc/dpop-meta.ts";
import { assertCookieOrigin, assertWithinIpBudget, cookieRefreshToken } from "../trpc/guards.ts";
import { authFailure, protectedProcedure, publicProcedure, router } from "../trpc/procedures.ts";
import { clearRefreshCookie, deliverTokens } from "../trpc/token-delivery.ts";

/** Failures after which the refresh cookie can never work again, so the browser should drop it. */
const DEAD_REFRESH_CODES = new Set([
  "REFRESH_INVALID",
  "REFRESH_REUSED",
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
]);

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(authResultSchema)
    .mutation(({ ctx, input, path }) =>
      signIn(ctx.sesame, input.transport ?? "cookie", () =>
        ctx.sesame.auth.accounts.register(input, withDpop(ctx.sesame, path)),
      ),
    ),

  login: publicProcedure
    .input(loginInput)
    .output(authResultSchema)
    .mutation(({ ctx, input, path }) => {
      const transport = input.transport ?? "cookie";
      const deviceToken = deviceTokenOf(ctx.sesame, transport, input.deviceToken);
      return signIn(ctx.sesame, transport, () =>
        ctx.sesame.auth.accounts.login(input, withDpop(ctx.sesame, path), deviceToken),
      );
    }),

  /** With `refreshToken` in the input the body transport is used, otherwise the cookie. */
  refresh: publicProcedure
    .input(refreshInput)
    .output(authResultSchema)
    .mutation(async ({ ctx, input, path }) => {
      await assertWithinIpBudget(ctx.sesame, ctx.sesame.auth.requestBudgets.refresh);
      const fromBody = input?.refreshToken;
      const token = fromBody ?? cookieRefreshToken(ctx.sesame);
      if (!token) throw authFailure("TOKEN_MISSING");
      try {
        const issued = await ctx.sesame.auth.refresh(token, withDpop(ctx.sesame, path));
        return deliverTokens(ctx.sesame, issued, fromBody ? "body" : "cookie");
      } catch (error) {
        if (!fromBody && error instanceof AuthError && DEAD_REFRESH_CODES.has(error.code)) {
          clearRefreshCookie(ctx.sesame);
        }
        throw error;
      }
    }),

  /**
   * Ends the caller's session, identified by its access token or by a refresh
   * token (cookie or body), and clears the cookie. Idempotent: logging out of
   * an already-ended session is `{ ok: true }`; a token that is not ours is
   * refused (`TOKEN_INVALID`, `REFRESH_INVALID`), since it ended nothing.
   * An access token and a refresh token of two different sessions end both:
   * the cookie being cleared must not leave its session live.
   */
  logout: publicProcedure
    .input(logoutInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      const accessToken = bearerToken(ctx.sesame.req.headers.get("authorization"));
      const refreshToken = input?.refreshToken ?? cookieRefreshToken(ctx.sesame);
      clearRefreshCookie(ctx.sesame);
      if (!accessToken && !refreshToken) throw authFailure("TOKEN_MISSING");
      let endedByAccessToken = false;
      if (accessToken) {
        try {
          const claims = await ctx.sesame.auth.authenticate(accessToken);
          await ctx.sesame.auth.sessions.logout(claims.userId, claims.sessionId, ctx.sesame.meta);
          endedByAccessToken = true;
        } catch (error) {
          const alreadyEnded = error instanceof AuthError && error.code === "SESSION_REVOKED";
          if (alreadyEnded) endedByAccessToken = true;
          else if (!refreshToken) throw error;
        }
      }
      if (refreshToken) {
        await ctx.sesame.auth.sessions
          .logoutWithRefreshToken(refreshToken, ctx.sesame.meta)
          .catch((error) => {
            // With the access token's session ended, a foreign cookie is simply dropped.
            const foreign = error instanceof AuthError && error.code === "REFRESH_INVALID";
            if (!(endedByAccessToken && foreign)) throw error;
          });
      }
      return { ok: true as const };
    }),

  logoutAll: protectedProcedure.output(logoutAllResultSchema).mutation(async ({ ctx }) => {
    clearRefreshCookie(ctx.sesame);
    return { revoked: await ctx.sesame.auth.sessions.logoutAll(ctx.user.id, ctx.sesame.meta) };
  }),

  /**
   * The second step of a sign-in that answered MFA_REQUIRED: its `mfaToken`
   * and a TOTP code or a recovery code. A sign-in like `auth.login`.
   */
  verifyMfa: publicProcedure
    .input(verifyMfaInput)
    .output(authResultSchema)
    .mutation(({ ctx, input, path }) => {
      const transport = input.transport ?? "cookie";
      const deviceToken = deviceTokenOf(ctx.sesame, transport, input.deviceToken);
      return signIn(ctx.sesame, transport, () =>
        ctx.sesame.auth.mfa.verify(input, withDpop(ctx.sesame, path), deviceToken),
      );
    }),

  /** A passkey sign-in's challenge (5 minutes, single use) and options: no email needed (discoverable credentials). */
  beginPasskeyLogin: publicProcedure.output(passkeyLoginStartSchema).mutation(async ({ ctx }) => {
    await assertWithinIpBudget(ctx.sesame, ctx.sesame.auth.requestBudgets.signIn);
    return ctx.sesame.auth.passkeys.beginLogin();
  }),

  /** A sign-in like `auth.login`, with a passkey's signature for a password; it satisfies MFA. */
  finishPasskeyLogin: publicProcedure
    .input(finishPasskeyLoginInput)
    .output(authResultSchema)
    .mutation(({ ctx, input, path }) => {
      const transport = input.transport ?? "cookie";
      const deviceToken = deviceTokenOf(ctx.sesame, transport, input.deviceToken);
      return signIn(ctx.sesame, transport, () =>
        ctx.sesame.auth.passkeys.finishLogin(
          input.challengeId,
          input.response,
          withDpop(ctx.sesame, path),
          deviceToken,
        ),
      );
    }),

  /** The configured sign-in providers, for "Continue with …" buttons. */
  oauthProviders: publicProcedure
    .output(oauthProviderListSchema)
    .query(({ ctx }) => ctx.sesame.auth.oauth.providers()),

  /** Native apps (RFC 8252): the provider's authorization URL for an allow-listed `redirectUri`. */
  oauthStart: publicProcedure
    .input(oauthStartInput)
    .output(oauthUrlSchema)
    .mutation(async ({ ctx, input }) => {
      const url = await ctx.sesame.auth.oauth.start({
        provider: input.provider,
        callbackUri: input.redirectUri,
        returnTo: "/",
        binding: { nativeRedirectUri: input.redirectUri },
      });
      return { url: url.href };
    }),

  /** Native apps: the code and state the redirect brought back; the body transport by default. */
  oauthFinish: publicProcedure
    .input(oauthFinishInput)
    .output(authResultSchema)
    .mutation(async ({ ctx, input }) => {
      await assertWithinIpBudget(ctx.sesame, ctx.sesame.auth.requestBudgets.signIn);
      const callbackUrl = new URL(input.redirectUri);
      const params = {
        code: input.code,
        state: input.state,
        ...(input.iss ? { iss: input.iss } : {}),
      };
      callbackUrl.search = new URLSearchParams(params).toString();
      const outcome = await ctx.sesame.auth.oauth.finish(
        {
          provider: input.provider,
          callbackUrl,
          callbackUri: input.redirectUri,
          binding: { nativeRedirectUri: input.redirectUri },
        },
        ctx.sesame.meta,
        input.deviceToken,
      );
      if (outcome.kind !== "signed_in") throw authFailure("OAUTH_STATE_INVALID");
      return deliverTokens(ctx.sesame, outcome.issued, input.transport ?? "body");
    }),

  /** Mails the caller a new verification link (nothing to do once verified). */
  requestEmailVerification: protectedProcedure.output(okSchema).mutation(async ({ ctx }) => {
    await ctx.sesame.auth.email.requestEmailVerification(
      ctx.user.id,
      ctx.session.id,
      ctx.sesame.meta,
    );
    return { ok: true as const };
  }),

  verifyEmail: publicProcedure
    .input(emailLinkInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.verifyEmail(input.token, ctx.sesame.meta);
      return { ok: true as const };
    }),

  /** The same body, after the same work, whether or not the address has an account. */
  requestPasswordReset: publicProcedure
    .input(emailAddressInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.requestPasswordReset(input.email, ctx.sesame.meta);
      return { ok: true as const };
    }),

  /** Ends every session of the account; signs nobody in. */
  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.resetPassword(input.token, input.newPassword, ctx.sesame.meta);
      return { ok: true as const };
    }),

  confirmEmailChange: publicProcedure
    .input(emailLinkInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.confirmEmailChange(input.token, ctx.sesame.meta);
      return { ok: true as const };
    }),

  /** The same body, after the same work, whether or not the address has an account. */
  requestSignInLink: publicProcedure
    .input(emailAddressInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.requestSignInLink(input.email, ctx.sesame.meta);
      return { ok: true as const };
    }),

  /** A sign-in like `auth.login`, with the link's token for a password. */
  signInWithLink: publicProcedure
    .input(signInWithLinkInput)
    .output(authResultSchema)
    .mutation(({ ctx, input, path }) => {
      const transport = input.transport ?? "cookie";
      const deviceToken = deviceTokenOf(ctx.sesame, transport, undefined);
      return signIn(ctx.sesame, transport, () =>
        ctx.sesame.auth.email.signInWithLink(input.token, withDpop(ctx.sesame, path), deviceToken),
      );
    }),
});

/** The client's device token: the browser's cookie, or what a native app sent in the body. */
function deviceTokenOf(
  ctx: RequestContext,
  transport: Transport,
  fromBody: string | undefined,
): string | undefined {
  return transport === "cookie" ? ctx.deviceCookie.read(ctx.req.headers.get("cookie")) : fromBody;
}

/**
 * Register and login share their transport rules. With the cookie transport
 * the request must come from an allowed origin (login CSRF), and the session
 * whose cookie is being replaced ends: it could never be reached again, so it
 * should not linger as a live "device" until it idles out. Its cookie is
 * never promoted; the new session is always a fresh one.
 */
async function signIn(
  ctx: RequestContext,
  transport: Transport,
  issue: () => Promise<IssuedTokens>,
): Promise<AuthResult> {
  await assertWithinIpBudget(ctx, ctx.auth.requestBudgets.signIn);
  let replaced: string | undefined;
  if (transport === "cookie") {
    assertCookieOrigin(ctx);
    replaced = ctx.refreshCookie.read(ctx.req.headers.get("cookie"));
  }
  const issued = await issue();
  if (replaced) {
    // Whatever cookie the browser brought is replaced; one that names no session is simply dropped.
    await ctx.auth.sessions.logoutWithRefreshToken(replaced, ctx.meta).catch((error) => {
      if (!(error instanceof AuthError && error.code === "REFRESH_INVALID")) throw error;
    });
  }
  return deliverTokens(ctx, issued, transport);
}
