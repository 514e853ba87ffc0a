import { auditEventListSchema, auditListInput } from "@sesame/auth";
import { protectedProcedure, router } from "../trpc/trpc.ts";

export const auditRouter = router({
  /** The caller's own security events, newest first. */
  list: protectedProcedure
    .input(auditListInput)
    .output(auditEventListSchema)
    .query(({ ctx, input }) => ctx.auth.auditLog(ctx.user.id, input?.limit)),
});
