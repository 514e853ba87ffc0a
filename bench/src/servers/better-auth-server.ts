import { createAdaptorServer } from "@hono/node-server";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import { Hono } from "hono";
import { runChild } from "./child-protocol.ts";
import { closeServer, listenOnLoopback } from "./listen.ts";

export interface BetterAuthServerConfig {
  databasePath: string;
  /** How many sessions to open (one sign-in each); their cookies come back in `info.cookies`. */
  sessions: number;
}

/**
 * The peer a team would pick instead: better-auth with its defaults (email
 * and password, sessions in the database, no cookie cache), on the same kind
 * of SQLite database as Sesame (a better-sqlite3 file, WAL, synchronous=FULL),
 * served by Hono on @hono/node-server like Sesame. Rate limiting is off, as
 * Sesame's is raised, since every load client shares 127.0.0.1.
 */
await runChild<BetterAuthServerConfig>(async (config) => {
  const db = new Database(config.databasePath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");

  const server = createAdaptorServer({ fetch: (request) => app.fetch(request) });
  const url = await listenOnLoopback(server as Parameters<typeof listenOnLoopback>[0]);
  const auth = betterAuth({
    database: db,
    baseURL: url,
    secret: "bench-only-secret-0123456789abcdef0123456789abcdef",
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  });
  await (await getMigrations(auth.options)).runMigrations();

  const app = new Hono();
  app.on(["GET", "POST"], "/api/auth/*", (c) => auth.handler(c.req.raw));

  const email = "bench@example.com";
  const password = "correct horse battery staple";
  await auth.api.signUpEmail({ body: { email, password, name: "Bench" } });
  const cookies: string[] = [];
  for (let i = 0; i < config.sessions; i++) {
    const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    cookies.push(sessionCookie(response.headers.getSetCookie()));
  }
  return {
    url,
    info: { cookies: JSON.stringify(cookies) },
    close: async () => {
      await closeServer(server as Parameters<typeof closeServer>[0]);
      db.close();
    },
  };
});

/** The `name=value` of better-auth's session cookie, as a browser would send it back. */
function sessionCookie(setCookies: string[]): string {
  const cookie = setCookies
    .map((header) => header.split(";", 1)[0] ?? "")
    .find((pair) => pair.includes("session_token="));
  if (!cookie) throw new Error("better-auth set no session cookie");
  return cookie;
}
