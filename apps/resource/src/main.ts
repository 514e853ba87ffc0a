import { readResourceEnv } from "./env.ts";
import { startResourceServer } from "./server.ts";

/** `pnpm --filter @sesame/resource start`: read the environment, start, say where. */
const env = readResourceEnv();
const server = await startResourceServer(env);
console.log(`Notes service listening on ${server.url} (trusting ${env.SESAME_ISSUER})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
