import { okSchema, revokeSessionInput, sessionListSchema } from "@sesame/auth";
import { protectedProcedure, router } from "../trpc/procedures.ts";

export const sessionRouter = router({
  /** The user's live sessions ("devices"), the caller's marked `current: true`. */
  list: protectedProcedure
    .output(sessionListSchema)
    .query(({ ctx }) => ctx.sesame.auth.sessions.list(ctx.user.id, ctx.session.id)),

  revoke: protectedProcedure
    .input(revokeSessionInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.sesame.auth.sessions.revoke(ctx.user.id, input.sessionId, ctx.sesame.meta);
      return { ok: true as const };
    }),
});
