import {
  finishPasskeyRegistrationInput,
  okSchema,
  passkeyCreationOptionsSchema,
  passkeyIdInput,
  passkeyListSchema,
  passkeyRegisteredSchema,
} from "@sesame/auth";
import { enrolmentProcedure, protectedProcedure, router } from "../trpc/procedures.ts";

/**
 * The caller's passkeys (WebAuthn). Adding one is enrolment: an account
 * held to REQUIRE_MFA_FOR_ROLES may add a passkey as its second factor.
 */
export const passkeyRouter = router({
  /** The options for `navigator.credentials.create()`; the challenge is kept server-side for 5 minutes. */
  beginRegistration: enrolmentProcedure
    .output(passkeyCreationOptionsSchema)
    .mutation(({ ctx }) => ctx.sesame.auth.passkeys.beginRegistration(ctx.user.id)),

  finishRegistration: enrolmentProcedure
    .input(finishPasskeyRegistrationInput)
    .output(passkeyRegisteredSchema)
    .mutation(({ ctx, input }) =>
      ctx.sesame.auth.passkeys.finishRegistration(
        ctx.user.id,
        ctx.session.id,
        input.response,
        input.name,
        ctx.sesame.meta,
      ),
    ),

  list: enrolmentProcedure
    .output(passkeyListSchema)
    .query(({ ctx }) => ctx.sesame.auth.passkeys.list(ctx.user.id)),

  remove: protectedProcedure
    .input(passkeyIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.passkeys.remove(ctx.user.id, ctx.session.id, input.id, ctx.sesame.meta);
      return { ok: true as const };
    }),
});
