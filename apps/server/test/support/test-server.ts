import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "@sesame/auth";
import { freshPostgresDatabase } from "@sesame/db/test-support";
import type { AppRouter } from "@sesame/trpc";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, afterEach } from "vitest";
import { readEnv } from "../../src/env.ts";
import { type RunningServer, type ServerOverrides, startServer } from "../../src/server.ts";
import { rawQuery } from "./raw-query.ts";

export interface TestServer extends RunningServer {
  clock: ManualClock;
  dir: string;
  /** The DATABASE_URL it runs on. */
  databaseUrl: string;
  /** Rows of a raw SQL query on the server's database, whichever the backend (`?` placeholders). */
  query<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  /** The first column of the first row of `query`. */
  queryValue<T = unknown>(text: string, ...params: unknown[]): Promise<T>;
  /** A client with its own cookie jar and, once set, its own access token. */
  client(options?: ClientOptions): TestClient;
}

export interface ClientOptions {
  accessToken?: string;
  headers?: Record<string, string>;
}

export interface TestClient {
  api: ReturnType<typeof createTRPCClient<AppRouter>>;
  jar: Map<string, string>;
  accessToken: string | undefined;
}

const perTest: Array<() => Promise<void>> = [];
const perFile: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (perTest.length > 0) await perTest.pop()?.();
});
afterAll(async () => {
  while (perFile.length > 0) await perFile.pop()?.();
});

/**
 * The database a test server runs on: SESAME_TEST_BACKEND picks the backend
 * (the vitest projects run the server tests once per backend): a fresh SQLite
 * file in `dir`, or a fresh database in the run's PostgreSQL cluster.
 */
export async function testDatabaseUrl(dir: string): Promise<string> {
  if (TEST_BACKEND === "postgresql") return freshPostgresDatabase();
  return join(dir, "sesame.db");
}

export const TEST_BACKEND =
  process.env.SESAME_TEST_BACKEND === "postgresql" ? "postgresql" : "sqlite";

/**
 * A real Sesame server on an ephemeral port over a fresh database (SQLite or
 * PostgreSQL, see `testDatabaseUrl`) with the real migrations, and a manual
 * clock; closed and deleted after each test.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  /** "file" keeps the server for every test of the file (start it in `beforeAll`). */
  lifetime: "test" | "file" = "test",
  /** Parts to watch, e.g. a hasher that counts its calls. */
  overrides: Pick<ServerOverrides, "hasher" | "mailRetryDelaysMs"> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-test-"));
  const clock = new ManualClock(Date.now());
  const databaseUrl = env.DATABASE_URL ?? (await testDatabaseUrl(dir));
  const server = await startServer(
    readEnv({
      PORT: "0",
      DATABASE_URL: databaseUrl,
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      SERVER_SECRET_FILE: join(dir, "server-secret"),
      KEY_ENCRYPTION_SECRET_FILE: join(dir, "key-encryption-secret"),
      WEB_DIST: "",
      LOG_LEVEL: "silent",
      MAIL_OUTBOX_DIR: join(dir, "outbox"),
      ...env,
    }),
    { ...overrides, clock, log: () => {} },
  );
  const raw = rawQuery(server.storage, databaseUrl);
  (lifetime === "file" ? perFile : perTest).push(async () => {
    await raw.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    ...server,
    clock,
    dir,
    databaseUrl,
    query: raw.query,
    queryValue: async (text, ...params) => {
      const [row] = await raw.query<Record<string, unknown>>(text, ...params);
      return (row ? Object.values(row)[0] : undefined) as never;
    },
    client: (options) => makeClient(server.url, options),
  };
}

function makeClient(url: string, options: ClientOptions = {}): TestClient {
  const state: TestClient = {
    jar: new Map(),
    accessToken: options.accessToken,
    api: undefined as never,
  };
  state.api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => ({
          ...(state.accessToken ? { authorization: `Bearer ${state.accessToken}` } : {}),
          ...(state.jar.size > 0
            ? { cookie: [...state.jar].map(([name, value]) => `${name}=${value}`).join("; ") }
            : {}),
          ...options.headers,
        }),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          storeCookies(state.jar, response.headers.getSetCookie());
          return response;
        },
      }),
    ],
  });
  return state;
}

function storeCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const header of setCookies) {
    const [pair = "", ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => a.trim().toLowerCase() === "max-age=0");
    if (expired || value === "") jar.delete(name);
    else jar.set(name, value);
  }
}

/** The `authCode` of a failed call, or a failure if it did not fail. */
export async function authCodeOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { authCode?: string }).authCode;
    throw error;
  }
  throw new Error("Expected the call to fail, but it succeeded.");
}

export const PASSWORD = "correct horse battery staple";

let emails = 0;
export const uniqueEmail = () => `user${++emails}.${Date.now()}@example.com`;

/**
 * Registers a fresh user with the body transport and returns its client,
 * signed in, once the sign-up's verification mail has gone out (so its audit
 * events are on record before the test goes on).
 */
export async function signedUp(server: TestServer, email = uniqueEmail()) {
  const client = server.client();
  const result = await client.api.auth.register.mutate({
    email,
    password: PASSWORD,
    transport: "body",
  });
  await server.auth.drainMail();
  client.accessToken = result.accessToken;
  return { client, result, email, refreshToken: result.refreshToken as string };
}

/** Rows in a table of the server's database, to show a refused request changed nothing. */
export async function rowCount(server: TestServer, table: string): Promise<number> {
  return Number(await server.queryValue(`SELECT count(*) FROM ${table}`));
}
