/**
 * @sesame/server — the standalone server: the environment → Sesame
 * (`@sesame/trpc`) → an HTTP host with the web app. Teams embedding Sesame in
 * their own tRPC app use `@sesame/trpc` directly.
 */

export { type Env, envSchema, readEnv } from "./env.ts";
export { type RunningServer, type ServerOverrides, startServer } from "./server.ts";
