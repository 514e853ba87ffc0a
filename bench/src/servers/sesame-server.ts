import { type SqliteStorage, WriteBatcher } from "@sesame/db";
import { readEnv, startServer } from "@sesame/server";
import { mainThreadCpuMicros } from "../report/cpu-meter.ts";
import { benchRouter } from "./bench-procedures.ts";
import { runChild } from "./child-protocol.ts";

export interface SesameServerConfig {
  /** DATABASE_URL: a SQLite file path, or a `postgres://` URL. */
  databasePath: string;
  /**
   * The key set JSON (SIGNING_KEYS), so the bench can sign tokens the server
   * accepts. Omitted: the server's own keys (on PostgreSQL the database's key
   * ring, sealed under KEY_ENCRYPTION_SECRET, which `env` must then give).
   */
  signingKeys?: string;
  /** A user to create at start; its id is reported back and read by `bench.meUnprotected`. */
  benchUser?: { email: string; password: string };
  /** Extra environment for `readEnv`. */
  env?: Record<string, string>;
  /**
   * Reads every page of the SQLite file once before serving, as a server up
   * for a while would have: its page cache (PAGE_CACHE_KIB) starts full
   * instead of filling during the measurement.
   */
  warmPageCache?: boolean;
}

/** Effectively no per-IP limit: every load client shares 127.0.0.1. */
const UNLIMITED = String(1_000_000_000);

/**
 * Sesame exactly as `pnpm start` runs it (startServer), with per-IP limits
 * raised for load, serving Sesame's API with the two bench procedures added.
 */
await runChild<SesameServerConfig>(async (config) => {
  let benchUserId: string | undefined;
  const server = await startServer(
    readEnv({
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: config.databasePath,
      ...(config.signingKeys ? { SIGNING_KEYS: config.signingKeys } : {}),
      WEB_DIST: "",
      LOG_LEVEL: "silent",
      RATE_LIMIT_SIGN_IN: UNLIMITED,
      RATE_LIMIT_REFRESH: UNLIMITED,
      LOGIN_IP_MAX_FAILURES: UNLIMITED,
      ...config.env,
    }),
    { router: benchRouter(() => benchUserId) },
  );
  if (config.benchUser) {
    const issued = await server.auth.accounts.register(config.benchUser, {
      ip: null,
      userAgent: "bench",
    });
    benchUserId = issued.user.id;
  }
  if (config.warmPageCache) (server.storage as SqliteStorage).sqlite.pragma("quick_check");
  const info: Record<string, string> = benchUserId ? { userId: benchUserId } : {};
  return {
    url: server.url,
    info,
    counters: () => ({ ...WriteBatcher.totals, mainThreadCpuUs: mainThreadCpuMicros() ?? 0 }),
    close: () => server.close(),
  };
});
