/**
 * @sesame/resource — an example service that trusts Sesame's access tokens
 * through `@sesame/auth`'s remote verifier, sharing no secret with Sesame.
 */

export { createResourceApp } from "./app.ts";
export { type ResourceEnv, readResourceEnv, resourceEnvSchema } from "./env.ts";
export { type Note, NoteStore } from "./note-store.ts";
export { type RunningResourceServer, startResourceServer } from "./server.ts";
export { type SesameVariables, sesameBearer } from "./sesame-bearer.ts";
