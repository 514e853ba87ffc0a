import { auditEventListSchema, auditListInput } from "@sesame/auth";
import { protectedProcedure, router } from "../trpc/procedures.ts";

export const auditRouter = router({
  /**
   * The caller's own security events, newest first by id, repeated ones
   * folded into one counted row: a page of `limit` (default 50) before the
   * id `before`, optionally only `types`.
   */
  list: protectedProcedure
    .input(auditListInput)
    .output(auditEventListSchema)
    .query(({ ctx, input }) => ctx.sesame.auth.auditLog(ctx.user.id, input)),
});
