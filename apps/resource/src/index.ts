/**
 * @sesame/resource — an example service that trusts Sesame's access tokens
 * through `@sesame/verify` (its remote verifier, its Hono middleware and the
 * revocation feed), sharing no signing secret with Sesame.
 */

export { createResourceApp } from "./app.ts";
export { type ResourceEnv, readResourceEnv, resourceEnvSchema } from "./env.ts";
export { type Note, NoteStore } from "./note-store.ts";
export { type RunningResourceServer, startResourceServer } from "./server.ts";
