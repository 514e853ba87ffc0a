import {
  identityLinkStartInput,
  identityListSchema,
  identityProviderInput,
  newBrowserSecret,
  oauthUrlSchema,
  okSchema,
} from "@sesame/auth";
import { oauthCallbackUri } from "../http/oauth-routes.ts";
import { protectedProcedure, router } from "../trpc/procedures.ts";

/** The provider accounts linked to the caller's. */
export const identityRouter = router({
  list: protectedProcedure
    .output(identityListSchema)
    .query(({ ctx }) => ctx.sesame.auth.oauth.list(ctx.user.id)),

  /**
   * Starts linking another provider to the signed-in account: a mutation
   * with the access token, never a GET a page could trigger (that would
   * link an attacker's provider account to the victim's). It binds the
   * request to this browser by cookie and answers where to go.
   */
  linkStart: protectedProcedure
    .input(identityLinkStartInput)
    .output(oauthUrlSchema)
    .mutation(async ({ ctx, input }) => {
      const secret = newBrowserSecret();
      const url = await ctx.sesame.auth.oauth.start({
        provider: input.provider,
        callbackUri: oauthCallbackUri(ctx.sesame.issuer, input.provider),
        returnTo: input.returnTo ?? "/account",
        binding: { browserSecret: secret },
        linkUserId: ctx.user.id,
      });
      ctx.sesame.resHeaders.append("set-cookie", ctx.sesame.oauthCookie.set(secret));
      return { url: url.href };
    }),

  /** Refused (`LAST_SIGN_IN_METHOD`) when it is the account's only way in. */
  unlink: protectedProcedure
    .input(identityProviderInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.oauth.unlink(
        ctx.user.id,
        ctx.session.id,
        input.provider,
        ctx.sesame.meta,
      );
      return { ok: true as const };
    }),
});
