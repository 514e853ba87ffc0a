import {
  finishPasskeyRegistrationInput,
  okSchema,
  passkeyCreationOptionsSchema,
  passkeyIdInput,
  passkeyListSchema,
  passkeyRegisteredSchema,
} from "@sesame/auth";
import { protectedProcedure, router } from "../trpc/trpc.ts";

/** The caller's passkeys (WebAuthn). */
export const passkeyRouter = router({
  /** The options for `navigator.credentials.create()`; the challenge is kept server-side for 5 minutes. */
  beginRegistration: protectedProcedure
    .output(passkeyCreationOptionsSchema)
    .mutation(({ ctx }) => ctx.auth.passkeys.beginRegistration(ctx.user.id)),

  finishRegistration: protectedProcedure
    .input(finishPasskeyRegistrationInput)
    .output(passkeyRegisteredSchema)
    .mutation(({ ctx, input }) =>
      ctx.auth.passkeys.finishRegistration(
        ctx.user.id,
        ctx.session.id,
        input.response,
        input.name,
        ctx.meta,
      ),
    ),

  list: protectedProcedure
    .output(passkeyListSchema)
    .query(({ ctx }) => ctx.auth.passkeys.list(ctx.user.id)),

  remove: protectedProcedure
    .input(passkeyIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.auth.passkeys.remove(ctx.user.id, ctx.session.id, input.id, ctx.meta);
      return { ok: true as const };
    }),
});
