/**
 * @sesame/server — the tRPC API over HTTP. Clients import only `type AppRouter`.
 */

export { type Env, envSchema, readEnv } from "./env.ts";
export type { AppRouter } from "./routers/app-router.ts";
export { appRouter } from "./routers/app-router.ts";
export { type RunningServer, type ServerOverrides, startServer } from "./server.ts";
/** The building blocks for teams extending the API with their own procedures. */
export {
  enrolmentProcedure,
  mfaProcedure,
  protectedProcedure,
  publicProcedure,
  router,
} from "./trpc/trpc.ts";
