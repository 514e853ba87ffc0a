import { protectedProcedure, sesameErrorData } from "@sesame/trpc";
import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import type { AppContext } from "./context.ts";

/** The app's own tRPC: its context, its transformer, its error shape. Sesame's router runs on it too. */
const t = initTRPC.context<AppContext>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    // The one Sesame line: keeps `authCode`, which the client's refresh and sign-out depend on.
    data: { ...shape.data, ...sesameErrorData(error) },
  }),
});

export const router = t.router;

/** For a signed-in user only: `ctx.user` and `ctx.session`, else 401 with an `authCode`. */
export const authedProcedure = t.procedure.concat(protectedProcedure);
