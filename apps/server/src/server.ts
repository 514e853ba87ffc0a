import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAdaptorServer } from "@hono/node-server";
import {
  type AuthService,
  type AuthStorage,
  type Clock,
  createAuthService,
  type IdGenerator,
  type MailTransport,
  type PasswordHasher,
  systemClock,
} from "@sesame/auth";
import { databasePath, isPostgresUrl, openStorage } from "@sesame/db";
import type { Hono } from "hono";
import type { Env } from "./env.ts";
import { createHttpApp } from "./http/app.ts";
import { connectionDrain } from "./http/connection-drain.ts";
import { DeviceCookie } from "./http/device-cookie.ts";
import { OAuthCookie } from "./http/oauth-cookie.ts";
import { OriginPolicy } from "./http/origin-policy.ts";
import { RefreshCookie } from "./http/refresh-cookie.ts";
import { keySetSourceFrom } from "./keys/key-set-source-from-env.ts";
import { retentionFromEnv } from "./keys/retention-from-env.ts";
import {
  decodeSecret,
  loadServerSecret,
  serverSecretFromKeyEncryptionSecret,
} from "./keys/server-secret.ts";
import { SigningKeys } from "./keys/signing-keys.ts";
import { mailTransportFromEnv } from "./mail/mail-transport-from-env.ts";

/** Parts tests may swap: a manual clock, predictable ids, cheaper hashing. */
export interface ServerOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  hasher?: PasswordHasher;
  log?: (message: string) => void;
  /** How mail leaves the server (tests may pass their own); else SMTP_URL's, or the dev outbox. */
  mailTransport?: MailTransport;
  /** Waits between the tries of a failed mail (tests shorten them). */
  mailRetryDelaysMs?: number[];
}

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  issuer: string;
  app: Hono;
  auth: AuthService;
  storage: AuthStorage;
  keys: SigningKeys;
  close(): Promise<void>;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));
/** Node answers 431 to larger request headers before any of our code runs (SECURITY #15). */
const MAX_HEADER_BYTES = 16 * 1024;
const SWEEP_INTERVAL_MS = 5_000;
/** How long a shutdown waits for requests in flight. */
const DRAIN_MS = 10_000;

/**
 * Opens the database (applying migrations), loads the signing keys, listens,
 * and serves the API. The issuer is PUBLIC_URL, or http://localhost:<port>
 * once the port is known (PORT=0 picks a free one).
 */
export async function startServer(
  env: Env,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const log =
    overrides.log ?? (env.LOG_LEVEL === "silent" ? () => {} : (m: string) => console.log(m));
  const storage = await openStorage(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  try {
    const keyEncryptionSecret = keyEncryptionSecretFor(env, storage, log);
    // Nodes that share a database but no folder derive it from the one secret they all have.
    const secret =
      storage.keyRing && keyEncryptionSecret && !env.SERVER_SECRET
        ? serverSecretFromKeyEncryptionSecret(keyEncryptionSecret)
        : loadServerSecret(env.SERVER_SECRET, serverSecretFile(env), log);
    const keys = await SigningKeys.load({
      source: keySetSourceFrom(env, storage, keyEncryptionSecret),
      alg: env.SIGNING_ALG,
      retentionSeconds: retentionFromEnv(env),
      log,
      now: () => (overrides.clock ?? systemClock).now(),
    });
    return await serve(env, overrides, log, secret, storage, keys);
  } catch (error) {
    // A start that fails half-way (a port in use, unreadable keys) leaves no connection open.
    await storage.close().catch(() => {});
    throw error;
  }
}

async function serve(
  env: Env,
  overrides: ServerOverrides,
  log: (message: string) => void,
  secret: Uint8Array,
  storage: AuthStorage,
  keys: SigningKeys,
): Promise<RunningServer> {
  let handler: ((request: Request, bindings: unknown) => Response | Promise<Response>) | undefined;
  const server = createAdaptorServer({
    // The node bindings (the socket) travel with the request: the client IP comes from them.
    fetch: (request, bindings) =>
      handler?.(request, bindings) ?? new Response("Starting", { status: 503 }),
    serverOptions: { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000 },
  });
  const drain = connectionDrain(server as HttpServer);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, "");

  const mailTransport = overrides.mailTransport ?? mailTransportFromEnv(env, dataFolder(env), log);
  const auth = createAuthService({
    storage,
    keys,
    clock: overrides.clock,
    ids: overrides.ids,
    hasher: overrides.hasher,
    secret,
    config: {
      issuer,
      audience: env.JWT_AUDIENCE,
      accessTokenTtl: env.ACCESS_TOKEN_TTL,
      sessionIdleTtl: env.SESSION_IDLE_TTL,
      sessionAbsoluteTtl: env.SESSION_ABSOLUTE_TTL,
      refreshReuseGrace: env.REFRESH_REUSE_GRACE,
      clockTolerance: env.CLOCK_TOLERANCE,
      auditRetention: env.AUDIT_RETENTION,
      throttle: {
        accountFreeFailures: env.LOGIN_FREE_FAILURES,
        accountBaseDelay: 1,
        accountMaxDelay: env.LOGIN_MAX_DELAY,
        accountLockoutFailures: env.LOGIN_LOCKOUT_FAILURES,
        accountLockout: env.LOGIN_LOCKOUT,
        accountFailureMemory: 24 * 60 * 60,
        ipMaxFailures: env.LOGIN_IP_MAX_FAILURES,
        ipWindow: env.LOGIN_IP_WINDOW,
        signInRequests: env.RATE_LIMIT_SIGN_IN,
        refreshRequests: env.RATE_LIMIT_REFRESH,
        requestWindow: env.RATE_LIMIT_WINDOW,
        mailsPerAddress: env.RATE_LIMIT_MAIL_ADDRESS,
        mailRequestsPerIp: env.RATE_LIMIT_MAIL_IP,
        mailWindow: env.RATE_LIMIT_MAIL_WINDOW,
      },
      requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
      requireMfaForRoles: env.REQUIRE_MFA_FOR_ROLES,
      // The relying party from configuration only: PUBLIC_URL's host, its origin and ALLOWED_ORIGINS.
      webauthn: {
        rpId: new URL(issuer).hostname,
        rpName: new URL(issuer).hostname,
        origins: [new URL(issuer).origin, ...env.ALLOWED_ORIGINS.map((o) => new URL(o).origin)],
      },
      emailLinks: {
        verifyEmailTtl: env.EMAIL_VERIFICATION_TTL,
        resetPasswordTtl: env.PASSWORD_RESET_TTL,
        signInTtl: env.SIGN_IN_LINK_TTL,
        changeEmailTtl: env.EMAIL_CHANGE_TTL,
      },
    },
    mail: { transport: mailTransport, log, retryDelaysMs: overrides.mailRetryDelaysMs },
    oauth: { providers: env.OAUTH_PROVIDERS, nativeRedirectUris: env.OAUTH_REDIRECT_URIS },
  });
  await auth.ready;
  keys.watch(2000);

  const app = createHttpApp({
    auth,
    issuer,
    originPolicy: new OriginPolicy(env.ALLOWED_ORIGINS, issuer),
    refreshCookie: new RefreshCookie(issuer.startsWith("https:")),
    deviceCookie: new DeviceCookie(issuer.startsWith("https:")),
    oauthCookie: new OAuthCookie(issuer.startsWith("https:")),
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    webDist: env.WEB_DIST ?? DEFAULT_WEB_DIST,
    jwks: () => keys.current().jwks(),
    log,
    onInternalError: (error, path) =>
      console.error(`Internal error in ${path ?? "request"}:`, error),
  });
  handler = (request, bindings) => app.fetch(request, bindings);

  // Housekeeping now and hourly; a failure is logged and retried next hour.
  const purge = () =>
    void auth
      .purgeExpired()
      .catch((error) => log(`Housekeeping failed: ${(error as Error).message}`));
  purge();
  const purgeTimer = setInterval(purge, 60 * 60 * 1000);
  purgeTimer.unref();
  // Grace-window seals outlive their window by at most this sweep's period (a database copy finds none older).
  const sweep = () =>
    void auth
      .sweepShortLived()
      .catch((error) => log(`Sweeping seals failed: ${(error as Error).message}`));
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  const host = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    issuer,
    app,
    auth,
    storage,
    keys,
    close: async () => {
      clearInterval(purgeTimer);
      clearInterval(sweepTimer);
      keys.stop();
      await drain.drain(DRAIN_MS);
      await auth.stop();
      // Mail being composed still writes its token row; a send in flight finishes or fails.
      await auth.drainMail();
      await mailTransport.close?.();
      await storage.close();
    },
  };
}

/**
 * KEY_ENCRYPTION_SECRET where the keys live in the database (PostgreSQL): from
 * the environment, or generated once into a file for a first try on one
 * machine. A second node with another secret cannot open the ring and says so.
 */
function keyEncryptionSecretFor(
  env: Env,
  storage: AuthStorage,
  log: (message: string) => void,
): Uint8Array | undefined {
  if (env.KEY_ENCRYPTION_SECRET) {
    return decodeSecret(env.KEY_ENCRYPTION_SECRET, "KEY_ENCRYPTION_SECRET");
  }
  if (!storage.keyRing || env.SIGNING_KEYS) return undefined;
  return loadServerSecret(undefined, env.KEY_ENCRYPTION_SECRET_FILE, log, "KEY_ENCRYPTION_SECRET");
}

/** Beside the database by default: the processes that share a database file share its folder. */
function serverSecretFile(env: Env): string {
  return env.SERVER_SECRET_FILE ?? join(dataFolder(env), "server-secret");
}

/** Where the server keeps its files: beside a SQLite database, else ./data. */
function dataFolder(env: Env): string {
  if (isPostgresUrl(env.DATABASE_URL)) return "./data";
  const database = databasePath(env.DATABASE_URL);
  return database === ":memory:" ? "./data" : dirname(database);
}
