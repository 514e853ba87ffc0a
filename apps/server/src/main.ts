import { readEnv } from "./env.ts";
import { type RunningServer, startServer } from "./server.ts";
import { describeStartupError } from "./startup-error.ts";

/** `pnpm start`: read the environment, start, say where; one clear line and a non-zero exit if it cannot. */
let server: RunningServer;
let env: ReturnType<typeof readEnv> | undefined;
try {
  env = readEnv();
  server = await startServer(env);
} catch (error) {
  console.error(`Sesame could not start: ${describeStartupError(error, env ?? {})}`);
  process.exit(1);
}
console.log(
  `Sesame is listening on ${server.url} (database: ${env.DATABASE_URL}, issuer: ${server.issuer})`,
);

// A rolling restart loses nothing: stop accepting, let the requests in flight finish, then close storage.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`Sesame did not shut down cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  });
}
