import { startNotesServer } from "./start-notes-server.ts";

// `pnpm start`: PORT, PUBLIC_URL and DATABASE_URL from the environment, as a deploy would set them.
const server = await startNotesServer({
  port: Number(process.env.PORT ?? 3000),
  publicUrl: process.env.PUBLIC_URL,
  database: process.env.DATABASE_URL ?? "./data/sesame.db",
});
console.log(`Notes on ${server.sesame.issuer}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
