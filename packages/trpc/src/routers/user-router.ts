import { changeEmailInput, changePasswordInput, okSchema, userSchema } from "@sesame/auth";
import { enrolmentProcedure, protectedProcedure, router } from "../trpc/procedures.ts";

export const userRouter = router({
  /** Reachable before enrolment, so an app can tell who is asked to enrol. */
  me: enrolmentProcedure
    .output(userSchema)
    .query(({ ctx }) => ctx.sesame.auth.accounts.me(ctx.user.id)),

  /** Needs the current password; ends every other session of the user. */
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.accounts.changePassword(
        ctx.user.id,
        ctx.session.id,
        input,
        ctx.sesame.meta,
      );
      return { ok: true as const };
    }),

  /**
   * Needs the current password. The address changes only once the link
   * mailed to the new one is opened (`auth.confirmEmailChange`); the old
   * address is told at once.
   */
  changeEmail: protectedProcedure
    .input(changeEmailInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.email.changeEmail(ctx.user.id, ctx.session.id, input, ctx.sesame.meta);
      return { ok: true as const };
    }),
});
