import { initTRPC } from "@trpc/server";
import type { SesameContext } from "../trpc/context.ts";
import { sesameErrorFormatter } from "../trpc/error-formatter.ts";
import { sesameRouters } from "./sesame-router.ts";

/**
 * The API as the standalone server serves it: Sesame's routers at the root,
 * plain JSON (no transformer, so any HTTP client can call it) and Sesame's
 * own error formatter.
 */
const t = initTRPC.context<SesameContext>().create({ errorFormatter: sesameErrorFormatter });

export const appRouter = t.router(sesameRouters);

/** The standalone API's type, the only thing its clients import. */
export type AppRouter = typeof appRouter;
