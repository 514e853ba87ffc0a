import { userSchema } from "@sesame/auth";
import {
  publicProcedure,
  type SesameContext,
  sesameErrorFormatter,
  sesameRouters,
} from "@sesame/trpc";
import { initTRPC, TRPCError } from "@trpc/server";
import { PING_DATA } from "./ping-body.ts";

/**
 * Sesame's API with two procedures of the bench's own, built the way a team
 * embeds Sesame (its routers spread into a router of its own), so that they
 * are served by exactly the host that serves `user.me` (same Hono app,
 * middleware, endpoint, context and error formatting):
 * - `bench.ping`: the trivial query, for the host comparison;
 * - `bench.meUnprotected`: `user.me`'s body and output check, reading the same
 *   user row, without the auth middleware — the baseline for the cost of auth
 *   per request.
 */
export function benchRouter(benchUserId: () => string | undefined) {
  const t = initTRPC.context<SesameContext>().create({ errorFormatter: sesameErrorFormatter });
  return t.router({
    ...sesameRouters,
    bench: t.router({
      // The host's own procedure, reading no context: every host compared serves it the same way.
      ping: t.procedure.query(() => PING_DATA),
      meUnprotected: publicProcedure.output(userSchema).query(({ ctx }) => {
        const userId = benchUserId();
        if (!userId) throw new TRPCError({ code: "NOT_FOUND" });
        return ctx.sesame.auth.accounts.me(userId);
      }),
    }),
  });
}
