import { z } from "zod";
import { authedProcedure, router } from "./trpc.ts";

/** The app's own procedures: each user sees and changes only their notes. */
export const notesRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.notes.list(ctx.user.id)),
  add: authedProcedure
    .input(z.object({ text: z.string().trim().min(1).max(500) }))
    .mutation(({ ctx, input }) => ctx.notes.add(ctx.user.id, input.text)),
  remove: authedProcedure.input(z.object({ id: z.string() })).mutation(({ ctx, input }) => {
    ctx.notes.remove(ctx.user.id, input.id);
    return { ok: true as const };
  }),
});
