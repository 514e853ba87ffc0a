/**
 * @sesame/trpc — Sesame inside your own tRPC app.
 *
 * ```ts
 * const sesame = await createSesame({ publicUrl, database });
 * const t = initTRPC.context<Context>().create({
 *   transformer: superjson,
 *   errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, ...sesameErrorData(error) } }),
 * });
 * const authed = t.procedure.concat(protectedProcedure);
 * const appRouter = t.router({ auth: sesameRouter, notes: t.router({ list: authed.query(…) }) });
 * ```
 */

export type { SesameRequest } from "./http/sesame-request.ts";
export type { NodeListenerContextOptions } from "./http/trpc-fast-path.ts";
export { sesameRouter, sesameRouters } from "./routers/sesame-router.ts";
export { type AppRouter, appRouter } from "./routers/standalone-router.ts";
export {
  createSesame,
  type Sesame,
  type SesameConfig,
  type SesameHttpRouterOptions,
  type SesameNodeListenerRouterOptions,
  type SesameOptions,
} from "./sesame.ts";
export type { RequestContext, ResponseHeaders, SesameContext } from "./trpc/context.ts";
export type { ContextOptions } from "./trpc/create-context.ts";
export type { ErrorData } from "./trpc/error-data.ts";
export { sesameErrorData, sesameErrorFormatter } from "./trpc/error-formatter.ts";
export {
  authFailure,
  enrolmentProcedure,
  mfaProcedure,
  protectedProcedure,
  publicProcedure,
  roleProcedure,
} from "./trpc/procedures.ts";
