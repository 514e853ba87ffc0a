import { userSchema } from "@sesame/auth";
import { appRouter, publicProcedure } from "@sesame/server";
import { type AnyTRPCProcedure, TRPCError } from "@trpc/server";
import { PING_DATA } from "./ping-body.ts";

/**
 * Adds two procedures to Sesame's own router, in the bench's server process
 * only, so that they are served by exactly the host that serves `user.me`
 * (same Hono app, middleware, endpoint, context and error formatting):
 * - `bench.ping`: the trivial query, for the host comparison;
 * - `bench.meUnprotected`: `user.me`'s body and output check, reading the same
 *   user row, without the auth middleware — the baseline for the cost of auth
 *   per request.
 * The router is plain data to tRPC, so added entries are routed like the rest.
 */
export function addBenchProcedures(benchUserId: () => string | undefined): void {
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
  procedures["bench.ping"] = publicProcedure.query(() => PING_DATA);
  procedures["bench.meUnprotected"] = publicProcedure.output(userSchema).query(({ ctx }) => {
    const userId = benchUserId();
    if (!userId) throw new TRPCError({ code: "NOT_FOUND" });
    return ctx.auth.accounts.me(userId);
  });
}
