import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import type {
  AuthService,
  AuthStorage,
  Clock,
  IdGenerator,
  MailTransport,
  PasswordHasher,
} from "@sesame/auth";
import { appRouter, createSesame, type Sesame } from "@sesame/trpc";
import type { SigningKeys } from "@sesame/trpc/keys";
import type { AnyTRPCRouter } from "@trpc/server";
import type { Hono } from "hono";
import type { Env } from "./env.ts";
import { connectionDrain } from "./http/connection-drain.ts";
import { createStandaloneApp } from "./http/standalone-app.ts";

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
  /** Another router to serve instead of Sesame's API alone (the bench adds procedures of its own). */
  router?: AnyTRPCRouter;
}

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  issuer: string;
  app: Hono;
  sesame: Sesame;
  auth: AuthService;
  storage: AuthStorage;
  keys: SigningKeys;
  close(): Promise<void>;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));
/** Node answers 431 to larger request headers before any of our code runs (SECURITY #15). */
const MAX_HEADER_BYTES = 16 * 1024;
/** How long a shutdown waits for requests in flight. */
const DRAIN_MS = 10_000;

/**
 * Builds Sesame from the environment (opening the database and applying
 * migrations, loading the signing keys), listens, and serves the API and the
 * web app. The issuer is PUBLIC_URL, or http://localhost:<port>. A node
 * accepts no connection before it is ready, so a load balancer never meets
 * a half-started one — except with PORT=0 and no PUBLIC_URL (tests), where
 * the port must be known first; until then requests get 503.
 */
export async function startServer(
  env: Env,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const log =
    overrides.log ?? (env.LOG_LEVEL === "silent" ? () => {} : (m: string) => console.log(m));
  let listener: RequestListener | undefined;
  const starting = getRequestListener(() => new Response("Starting", { status: 503 }));
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000 },
    (request, response) => (listener ?? starting)(request, response),
  );
  const drain = connectionDrain(server);
  const listen = () =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.PORT, env.HOST, () => resolve((server.address() as AddressInfo).port));
    });
  const start = (issuer: string) => createSesame(sesameOptionsFrom(env, issuer, overrides, log));

  const knownIssuer =
    env.PUBLIC_URL ?? (env.PORT !== 0 ? `http://localhost:${env.PORT}` : undefined);
  let sesame: Sesame;
  let port: number;
  if (knownIssuer) {
    sesame = await start(knownIssuer);
    // A port in use leaves no database connection open.
    port = await listen().catch(async (error) => {
      await sesame.close().catch(() => {});
      throw error;
    });
  } else {
    port = await listen();
    sesame = await start(`http://localhost:${port}`).catch(async (error) => {
      // A start that fails half-way (unreadable keys, a bad secret) leaves no port open.
      await drain.drain(0).catch(() => {});
      throw error;
    });
  }
  const issuer = sesame.issuer;
  const router = overrides.router ?? appRouter;
  const app = createStandaloneApp({
    sesame,
    router,
    webDist: env.WEB_DIST ?? DEFAULT_WEB_DIST,
    log,
  });
  // Single API calls straight from node's request; the app (through @hono/node-server) for the rest.
  listener = sesame.nodeListener({ router, app });

  const host = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    issuer,
    app,
    sesame,
    auth: sesame.auth,
    storage: sesame.storage,
    keys: sesame.keys,
    close: async () => {
      // A held long poll of the revocation feed is a request in flight: answer it now, or every
      // shutdown with a receiver connected would wait out the whole drain.
      sesame.auth.securityEvents.close();
      await drain.drain(DRAIN_MS);
      await sesame.close();
    },
  };
}

/** The environment as Sesame's options: the README's configuration table, one name to one setting. */
function sesameOptionsFrom(
  env: Env,
  issuer: string,
  overrides: ServerOverrides,
  log: (message: string) => void,
): Parameters<typeof createSesame>[0] {
  return {
    publicUrl: issuer,
    database: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    secret: env.SERVER_SECRET,
    secretFile: env.SERVER_SECRET_FILE,
    keys: {
      inline: env.SIGNING_KEYS,
      file: env.SIGNING_KEYS_FILE,
      encryptionSecret: env.KEY_ENCRYPTION_SECRET,
      encryptionSecretFile: env.KEY_ENCRYPTION_SECRET_FILE,
      alg: env.SIGNING_ALG,
    },
    totpEncryptionKeys: {
      current: env.TOTP_ENCRYPTION_KEY,
      previous: env.TOTP_ENCRYPTION_KEYS_PREVIOUS,
    },
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    config: {
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
      emailLinks: {
        verifyEmailTtl: env.EMAIL_VERIFICATION_TTL,
        resetPasswordTtl: env.PASSWORD_RESET_TTL,
        signInTtl: env.SIGN_IN_LINK_TTL,
        changeEmailTtl: env.EMAIL_CHANGE_TTL,
      },
    },
    mail: {
      transport: overrides.mailTransport,
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      outboxDir: env.MAIL_OUTBOX_DIR,
      retryDelaysMs: overrides.mailRetryDelaysMs,
    },
    oauth: { providers: env.OAUTH_PROVIDERS, nativeRedirectUris: env.OAUTH_REDIRECT_URIS },
    securityEvents: { receivers: env.SECURITY_EVENT_RECEIVERS },
    log,
    clock: overrides.clock,
    ids: overrides.ids,
    hasher: overrides.hasher,
  };
}
