import {
  currentPasswordInput,
  mfaStatusSchema,
  okSchema,
  passwordAndCodeInput,
  recoveryCodesSchema,
  totpCodeInput,
  totpEnrolmentSchema,
} from "@sesame/auth";
import { enrolmentProcedure, protectedProcedure, router } from "../trpc/procedures.ts";

/** The caller's second factors: TOTP and recovery codes. */
export const mfaRouter = router({
  status: enrolmentProcedure
    .output(mfaStatusSchema)
    .query(({ ctx }) => ctx.sesame.auth.mfa.status(ctx.user.id)),

  totp: router({
    /** Needs the current password; the secret is shown once and works only once `confirm` gets a code. */
    begin: enrolmentProcedure
      .input(currentPasswordInput)
      .output(totpEnrolmentSchema)
      .mutation(({ ctx, input }) =>
        ctx.sesame.auth.mfa.beginTotp(
          ctx.user.id,
          ctx.session.id,
          input.currentPassword,
          ctx.sesame.meta,
        ),
      ),

    /** Turns TOTP on; answers the recovery codes, shown once. */
    confirm: enrolmentProcedure
      .input(totpCodeInput)
      .output(recoveryCodesSchema)
      .mutation(({ ctx, input }) =>
        ctx.sesame.auth.mfa.confirmTotp(ctx.user.id, ctx.session.id, input.code, ctx.sesame.meta),
      ),

    /** Needs the password and a current code; ends every other session. */
    disable: protectedProcedure
      .input(passwordAndCodeInput)
      .output(okSchema)
      .mutation(async ({ ctx, input }) => {
        await ctx.sesame.auth.mfa.disableTotp(ctx.user.id, ctx.session.id, input, ctx.sesame.meta);
        return { ok: true as const };
      }),
  }),

  recoveryCodes: router({
    /** A new set (the old one is void), behind the password and a current code. */
    regenerate: protectedProcedure
      .input(passwordAndCodeInput)
      .output(recoveryCodesSchema)
      .mutation(({ ctx, input }) =>
        ctx.sesame.auth.mfa.regenerateRecoveryCodes(
          ctx.user.id,
          ctx.session.id,
          input,
          ctx.sesame.meta,
        ),
      ),
  }),
});
