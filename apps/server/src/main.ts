import { readEnv } from "./env.ts";
import { startServer } from "./server.ts";

/** `pnpm start`: read the environment, start, say where. */
const env = readEnv();
const server = await startServer(env);
console.log(
  `Sesame is listening on ${server.url} (database: ${env.DATABASE_URL}, issuer: ${server.issuer})`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
