import { createAdaptorServer } from "@hono/node-server";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { Hono } from "hono";
import { openCountedDatabase } from "./better-auth-database.ts";
import { runChild } from "./child-protocol.ts";
import { closeServer, listenOnLoopback } from "./listen.ts";

export interface BetterAuthServerConfig {
  /** A SQLite file path, or a `postgres://` URL of a database of its own. */
  database: string;
  /** better-auth's own fast path: the session also in a signed cookie, read without the database. */
  cookieCache: boolean;
  /** How many sessions to open (one sign-in each); their cookies come back in `info.cookies`. */
  sessions: number;
}

/**
 * Longer than any measurement, so every request of a run is answered from
 * the cookie: the cookies are signed in once at start and sent unchanged,
 * and an expired cache would send each request to the database (a browser
 * would store the renewed cookie; the load generator does not). better-auth's
 * default is 5 minutes.
 */
const COOKIE_CACHE_SECONDS = 60 * 60;

const GET_SESSION = "/api/auth/get-session";

/**
 * The peer a team would pick instead: better-auth with its defaults (email
 * and password, sessions in the database), with or without its cookie cache,
 * on the same kind of database as Sesame (a better-sqlite3 file in WAL mode
 * with synchronous=FULL, or PostgreSQL through a pg Pool), served by Hono on
 * @hono/node-server like Sesame. Rate limiting is off, as Sesame's is raised,
 * since every load client shares 127.0.0.1.
 */
await runChild<BetterAuthServerConfig>(async (config) => {
  const db = openCountedDatabase(config.database);
  const server = createAdaptorServer({ fetch: (request) => app.fetch(request) });
  const url = await listenOnLoopback(server as Parameters<typeof listenOnLoopback>[0]);
  const auth = betterAuth({
    database: db.database,
    baseURL: url,
    secret: "bench-only-secret-0123456789abcdef0123456789abcdef",
    emailAndPassword: { enabled: true },
    session: config.cookieCache
      ? { cookieCache: { enabled: true, maxAge: COOKIE_CACHE_SECONDS } }
      : undefined,
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
  });
  await (await getMigrations(auth.options)).runMigrations();

  // Requests still being answered when the load stops: the database closes after them, not under them.
  const inFlight = new Set<Promise<Response>>();
  const app = new Hono();
  app.on(["GET", "POST"], "/api/auth/*", (c) => {
    const answer = auth.handler(c.req.raw);
    inFlight.add(answer);
    return answer.finally(() => inFlight.delete(answer));
  });

  const email = "bench@example.com";
  const password = "correct horse battery staple";
  await auth.api.signUpEmail({ body: { email, password, name: "Bench" } });
  const cookies: string[] = [];
  for (let i = 0; i < config.sessions; i++) {
    const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    cookies.push(cookieHeader(response.headers.getSetCookie()));
  }
  for (const cookie of cookies) await checkSession(cookie);
  return {
    url,
    info: { cookies: JSON.stringify(cookies) },
    counters: () => ({ databaseQueries: db.queries() }),
    close: async () => {
      await closeServer(server as Parameters<typeof closeServer>[0]);
      await Promise.allSettled([...inFlight]);
      await db.close();
    },
  };

  /**
   * get-session answers 200 with `null` to a cookie it does not accept, so a
   * wrong cookie would pass for throughput: each one must name a session, and
   * with the cache on, without a database query.
   */
  async function checkSession(cookie: string) {
    const before = db.queries();
    const response = await auth.handler(
      new Request(`${url}${GET_SESSION}`, { headers: { cookie } }),
    );
    const body = (await response.json()) as { session?: { id?: string } } | null;
    if (!response.ok || !body?.session?.id) {
      throw new Error(`better-auth's get-session found no session for the cookie ${cookie}`);
    }
    const queries = db.queries() - before;
    if (config.cookieCache && queries > 0) {
      throw new Error(`better-auth's get-session ran ${queries} queries with its cookie cache on`);
    }
    if (!config.cookieCache && queries === 0) {
      throw new Error("better-auth's get-session ran no query with its cookie cache off");
    }
  }
});

/**
 * Every cookie a sign-in set, as a browser would send them back in one
 * Cookie header: the session token, and with the cookie cache its second
 * signed cookie, the cached session.
 */
function cookieHeader(setCookies: string[]): string {
  const pairs = setCookies
    .map((header) => header.split(";", 1)[0] ?? "")
    .filter((pair) => pair.includes("=") && !pair.endsWith("="));
  if (!pairs.some((pair) => pair.includes("session_token="))) {
    throw new Error("better-auth set no session cookie");
  }
  return pairs.join("; ");
}
