import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import {
  authFailure,
  publicProcedure,
  type SesameContext,
  sesameErrorData,
  sesameErrorFormatter,
  sesameRouter,
  sesameRouters,
} from "../../src/index.ts";

/**
 * Procedures for every kind of answer a call can get — data, input errors,
 * auth errors with their headers, cookies, internal errors, answers that
 * cannot be serialized or streamed — on a host's own tRPC instance, beside
 * Sesame's routers. `flavour` is the standalone server's instance (plain
 * JSON, Sesame's formatter) or a team's (superjson, its own formatter).
 */
/** Where the subscription comes from: on the union of the two instances below, no builder is callable. */
const subscriptions = initTRPC.context<SesameContext>().create();

export function edgeRouter(flavour: "plain" | "superjson") {
  const t =
    flavour === "plain"
      ? initTRPC.context<SesameContext>().create({ errorFormatter: sesameErrorFormatter })
      : initTRPC.context<SesameContext>().create({
          // As in production: a development error shape carries the stack, whose frames differ by path.
          isDev: false,
          transformer: superjson,
          errorFormatter: ({ shape, error }) => ({
            ...shape,
            data: { ...shape.data, ...sesameErrorData(error) },
          }),
        });
  const sesame = t.procedure.concat(publicProcedure);
  const edge = t.router({
    ping: t.procedure.query(() => ({ ok: true })),
    echo: t.procedure
      .input(z.object({ text: z.string().min(1), count: z.number().optional() }))
      .query(({ input }) => ({ echoed: input })),
    save: t.procedure
      .input(z.object({ text: z.string().min(1) }))
      .mutation(({ input }) => ({ saved: input.text, at: new Date(0) })),
    /** What the context saw of the request: the fast path's view must see what fetch's Request does. */
    seen: sesame.query(({ ctx }) => {
      const { req, meta } = ctx.sesame;
      const header = (name: string) => req.headers.get(name);
      return {
        method: req.method,
        url: req.url,
        meta,
        headers: ["authorization", "cookie", "x-multi", "x-padded", "dpop", "x-forwarded-for"].map(
          (name) => [name, header(name)],
        ),
      };
    }),
    setsCookies: sesame.mutation(({ ctx }) => {
      ctx.sesame.resHeaders.append("set-cookie", "first=1; Path=/; HttpOnly");
      ctx.sesame.resHeaders.append("set-cookie", "second=2; Path=/");
      ctx.sesame.resHeaders.append("x-extra", "  padded  ");
      ctx.sesame.resHeaders.append("vary", "cookie");
      return { ok: true };
    }),
    rateLimited: sesame.query(({ ctx }) => {
      throw authFailure("RATE_LIMITED", { retryAt: Math.floor(ctx.sesame.auth.now() / 1000) + 42 });
    }),
    unavailable: sesame.mutation(() => {
      throw authFailure("UNAVAILABLE");
    }),
    internal: t.procedure.query(() => {
      throw new Error("a bug, never shown");
    }),
    /** Plain JSON cannot write a BigInt: tRPC answers from its outer catch, headers and all. */
    bigint: t.procedure.query(() => ({ n: 10n })),
    /** A promise inside the data is for a streaming link only. */
    streamy: t.procedure.query(() => ({ later: Promise.resolve(1) })),
    ticks: subscriptions.procedure.subscription(async function* () {
      yield 1;
    }),
  });
  return flavour === "plain"
    ? t.router({ ...sesameRouters, edge })
    : t.router({ auth: sesameRouter, edge });
}

export type EdgeRouter = ReturnType<typeof edgeRouter>;
