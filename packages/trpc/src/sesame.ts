import type { RequestListener } from "node:http";
import {
  AUTH_DEFAULTS,
  type AuthConfig,
  type AuthService,
  type AuthStorage,
  type Clock,
  createAuthService,
  type EmailLinkConfig,
  type IdGenerator,
  type MailTransport,
  type OAuthProviderConfig,
  type PasswordHasher,
  retiredKeyRetention,
  type SecurityEventOptions,
  type SigningAlgorithm,
  systemClock,
  type ThrottleConfig,
  type TotpEncryptionKeys,
} from "@sesame/auth";
import { defaultDataDir, openStorage } from "@sesame/db";
import type { AnyTRPCRouter } from "@trpc/server";
import type { Hono } from "hono";
import { DeviceCookie } from "./http/device-cookie.ts";
import { OAuthCookie } from "./http/oauth-cookie.ts";
import { OriginPolicy } from "./http/origin-policy.ts";
import { RefreshCookie } from "./http/refresh-cookie.ts";
import { type SesameHttpOptions, sesameHttp } from "./http/sesame-http.ts";
import { type SesameNodeListenerOptions, sesameNodeListener } from "./http/sesame-node-listener.ts";
import { generatedFiles } from "./keys/generated-files.ts";
import { keySetSourceFor } from "./keys/key-set-source-for.ts";
import {
  decodeSecret,
  loadServerSecret,
  serverSecretFromKeyEncryptionSecret,
} from "./keys/server-secret.ts";
import { SigningKeys } from "./keys/signing-keys.ts";
import { mailTransportFromEnv } from "./mail/mail-transport-from-env.ts";
import type { SesameContext, SesameDeps } from "./trpc/context.ts";
import { type ContextOptions, sesameContextFactory } from "./trpc/create-context.ts";

/** The auth core's settings a team may change; each has a default. Times in seconds. */
export type SesameConfig = Partial<
  Omit<AuthConfig, "issuer" | "throttle" | "emailLinks" | "webauthn">
> & {
  throttle?: Partial<ThrottleConfig>;
  emailLinks?: Partial<EmailLinkConfig>;
  webauthn?: AuthConfig["webauthn"];
};

export interface SesameOptions {
  /** The origin clients reach the API at, e.g. `https://app.example.com`: the `iss` of every token. */
  publicUrl: string;
  /**
   * A SQLite file path or `file:` URL, or `postgres://…`: Sesame opens it and
   * applies its migrations. Or pass `storage` (from `@sesame/db`'s `openStorage`) to share one.
   */
  database?: string;
  storage?: AuthStorage;
  /** PostgreSQL: connections in this process's pool. */
  databasePoolSize?: number;
  /**
   * Where generated secrets and keys are kept (mode 0600) when they are not
   * configured: beside a SQLite database, else `./data`.
   */
  dataDir?: string;
  /** At least 32 random bytes, base64url (SERVER_SECRET); else generated into `<dataDir>/server-secret`. */
  secret?: string;
  secretFile?: string;
  keys?: {
    /** The keys themselves as the key file's JSON (SIGNING_KEYS): wins over everything else. */
    inline?: string;
    /** The key file (SQLite), by default `<dataDir>/signing-keys.json`. */
    file?: string;
    /** PostgreSQL keeps the ring in the database, sealed under this secret (KEY_ENCRYPTION_SECRET). */
    encryptionSecret?: string;
    encryptionSecretFile?: string;
    alg?: SigningAlgorithm;
    /** How often to look for a rotated key set (ms); 0 never. */
    watchIntervalMs?: number;
  };
  config?: SesameConfig;
  /**
   * The keys TOTP secrets are sealed under: `current` (default: derived from
   * the server secret) and `previous` ones that still open older secrets
   * until they are sealed again (`npm run keys -- totp-reseal` in the standalone server).
   */
  totpEncryptionKeys?: TotpEncryptionKeys;
  /** Browser origins other than `publicUrl` that may call the API with credentials. */
  allowedOrigins?: string[];
  /** Behind a proxy you run: the client IP is the last `X-Forwarded-For` entry. */
  trustProxy?: boolean;
  /** Where the tRPC API is served. */
  endpoint?: string;
  bodyLimitBytes?: number;
  mail?: {
    transport?: MailTransport;
    /** `smtp://user:pass@host:587`; without it (and without `transport`), mail goes to `outboxDir`. */
    smtpUrl?: string;
    from?: string;
    outboxDir?: string;
    retryDelaysMs?: number[];
  };
  oauth?: { providers?: OAuthProviderConfig[]; nativeRedirectUris?: string[] };
  /**
   * The services that may follow the feed of session revocations at
   * `/auth/events/poll` (SECURITY_EVENT_RECEIVERS), each `{ id, secret }`:
   * with it, a logout reaches them within about a second.
   */
  securityEvents?: SecurityEventOptions;
  log?: (message: string) => void;
  onInternalError?: (error: unknown, path: string | undefined) => void;
  /** For tests: a manual clock, predictable ids, cheaper hashing. */
  clock?: Clock;
  ids?: IdGenerator;
  hasher?: PasswordHasher;
}

export interface Sesame {
  readonly issuer: string;
  readonly auth: AuthService;
  readonly storage: AuthStorage;
  readonly keys: SigningKeys;
  /** For the host's `createContext`: `{ ...sesame.createContext(opts), …its own }`. */
  createContext(opts: ContextOptions): SesameContext;
  /**
   * Sesame's HTTP side as a Hono app, whose `fetch` any fetch-style host can
   * call: the tRPC API at `endpoint` (the given router, behind the
   * protections), `/.well-known/jwks.json` and discovery, and the provider
   * sign-in routes under `/auth/oauth`.
   */
  http<TRouter extends AnyTRPCRouter>(options: SesameHttpRouterOptions<TRouter>): Hono;
  /**
   * The same HTTP side for a node:http server (`http.createServer(listener)`),
   * faster: a single query or mutation is answered straight from node's
   * request, with the very bytes `http()`'s app would send, and everything
   * else (batches, streaming, CORS, refusals, the other routes) goes to that
   * app — `app` if given (built by `http()` with the same router and context,
   * plus routes of your own), else `http({ router, createContext })`.
   */
  nodeListener<TRouter extends AnyTRPCRouter>(
    options: SesameNodeListenerRouterOptions<TRouter>,
  ): RequestListener;
  /** Stops the timers, lets mail in flight finish, and closes the database if Sesame opened it. */
  close(): Promise<void>;
}

export type SesameHttpRouterOptions<TRouter extends AnyTRPCRouter> = Pick<
  SesameHttpOptions<TRouter>,
  "router" | "createContext"
>;

export type SesameNodeListenerRouterOptions<TRouter extends AnyTRPCRouter> = Pick<
  SesameNodeListenerOptions<TRouter>,
  "router" | "app"
> &
  Partial<Pick<SesameNodeListenerOptions<TRouter>, "createContext">>;

const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
const SWEEP_INTERVAL_MS = 5_000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Sesame for a tRPC app: opens the database (applying migrations), loads or
 * creates the signing keys, and gives the context function, the HTTP side,
 * and housekeeping. The router and procedure builders are plain exports of
 * this package (`sesameRouter`, `protectedProcedure`, …): they read
 * everything per request from the context this returns.
 */
export async function createSesame(options: SesameOptions): Promise<Sesame> {
  const log = options.log ?? ((message: string) => console.log(message));
  const issuer = options.publicUrl.replace(/\/$/, "");
  const ownsStorage = options.storage === undefined;
  const storage =
    options.storage ??
    (await openStorage(options.database ?? "./data/sesame.db", {
      poolSize: options.databasePoolSize,
    }));
  try {
    const dataDir = options.dataDir ?? defaultDataDir(options.database);
    const keyEncryptionSecret = keyEncryptionSecretFor(options, storage, dataDir, log);
    // Nodes that share a database but no folder derive it from the one secret they all have.
    const secret =
      storage.keyRing && keyEncryptionSecret && !options.secret
        ? serverSecretFromKeyEncryptionSecret(keyEncryptionSecret)
        : loadServerSecret(
            options.secret,
            options.secretFile ?? generatedFiles(dataDir).serverSecret,
            log,
          );
    const config = authConfig(options, issuer);
    const keys = await SigningKeys.load({
      source: keySetSourceFor(
        {
          inline: options.keys?.inline,
          file: options.keys?.file ?? generatedFiles(dataDir).signingKeys,
        },
        storage,
        keyEncryptionSecret,
      ),
      alg: options.keys?.alg ?? "EdDSA",
      retentionSeconds: retiredKeyRetention(config),
      log,
      now: () => (options.clock ?? systemClock).now(),
    });
    return await assemble(options, {
      issuer,
      log,
      storage,
      ownsStorage,
      dataDir,
      keys,
      secret,
      config,
    });
  } catch (error) {
    // A start that fails half-way (unreadable keys, a bad secret) leaves no connection open.
    if (ownsStorage) await storage.close().catch(() => {});
    throw error;
  }
}

interface Parts {
  issuer: string;
  log: (message: string) => void;
  storage: AuthStorage;
  ownsStorage: boolean;
  /** Where generated files and the dev outbox go. */
  dataDir: string;
  keys: SigningKeys;
  secret: Uint8Array;
  config: AuthConfig;
}

async function assemble(options: SesameOptions, parts: Parts): Promise<Sesame> {
  const { issuer, log, storage, keys, dataDir } = parts;
  const mailTransport =
    options.mail?.transport ??
    mailTransportFromEnv(
      {
        SMTP_URL: options.mail?.smtpUrl,
        MAIL_FROM: options.mail?.from,
        MAIL_OUTBOX_DIR: options.mail?.outboxDir,
      },
      dataDir,
      log,
    );
  const auth = createAuthService({
    storage,
    keys,
    clock: options.clock,
    ids: options.ids,
    hasher: options.hasher,
    secret: parts.secret,
    totpEncryptionKeys: options.totpEncryptionKeys,
    log,
    config: parts.config,
    mail: { transport: mailTransport, log, retryDelaysMs: options.mail?.retryDelaysMs },
    oauth: {
      providers: options.oauth?.providers ?? [],
      nativeRedirectUris: options.oauth?.nativeRedirectUris,
    },
    securityEvents: options.securityEvents,
  });
  await auth.ready;
  const watchMs = options.keys?.watchIntervalMs ?? 2000;
  if (watchMs > 0) keys.watch(watchMs);

  const secure = issuer.startsWith("https:");
  const deps: SesameDeps = {
    auth,
    issuer,
    endpoint: options.endpoint ?? "/trpc",
    originPolicy: new OriginPolicy(options.allowedOrigins ?? [], issuer),
    refreshCookie: new RefreshCookie(secure),
    deviceCookie: new DeviceCookie(secure),
    oauthCookie: new OAuthCookie(secure),
  };
  const trustProxy = options.trustProxy ?? false;
  const createContext = sesameContextFactory(deps, trustProxy);
  const onInternalError =
    options.onInternalError ??
    ((error: unknown, path: string | undefined) =>
      console.error(`Internal error in ${path ?? "request"}:`, error));

  // Housekeeping now and hourly; a failure is logged and retried next time.
  const purge = () =>
    void auth
      .purgeExpired()
      .catch((error) => log(`Housekeeping failed: ${(error as Error).message}`));
  purge();
  const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS);
  purgeTimer.unref();
  // Grace-window seals outlive their window by at most this sweep's period (a database copy finds none older).
  const sweep = () =>
    void auth
      .sweepShortLived()
      .catch((error) => log(`Sweeping seals failed: ${(error as Error).message}`));
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  // What both ways of serving HTTP share, so the node listener's fast path and its fallback agree.
  const httpSettings = {
    trustProxy,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    jwks: () => keys.current().jwks(),
    onInternalError,
  };

  return {
    issuer,
    auth,
    storage,
    keys,
    createContext,
    http: (httpOptions) =>
      sesameHttp(deps, {
        ...httpOptions,
        createContext: httpOptions.createContext ?? createContext,
        ...httpSettings,
      }),
    nodeListener: <TRouter extends AnyTRPCRouter>(
      listenerOptions: SesameNodeListenerRouterOptions<TRouter>,
    ) =>
      sesameNodeListener(deps, {
        ...listenerOptions,
        createContext:
          listenerOptions.createContext ??
          (createContext as SesameNodeListenerOptions<TRouter>["createContext"]),
        ...httpSettings,
      }),
    close: async () => {
      clearInterval(purgeTimer);
      clearInterval(sweepTimer);
      keys.stop();
      await auth.stop();
      // Mail being composed still writes its token row; a send in flight finishes or fails.
      await auth.drainMail();
      await mailTransport.close?.();
      if (parts.ownsStorage) await storage.close();
    },
  };
}

/** The core's config: the team's settings over the defaults, the relying party from configuration only. */
function authConfig(options: SesameOptions, issuer: string): AuthConfig {
  const config = options.config ?? {};
  const origins = [issuer, ...(options.allowedOrigins ?? [])].map((o) => new URL(o).origin);
  return {
    ...AUTH_DEFAULTS,
    ...(config as Partial<AuthConfig>),
    throttle: { ...AUTH_DEFAULTS.throttle, ...config.throttle },
    emailLinks: { ...AUTH_DEFAULTS.emailLinks, ...config.emailLinks },
    issuer,
    // The relying party: the public URL's host, its origin and the allowed origins.
    webauthn: config.webauthn ?? {
      rpId: new URL(issuer).hostname,
      rpName: new URL(issuer).hostname,
      origins,
    },
  };
}

/**
 * The key-encryption secret where the keys live in the database
 * (PostgreSQL): configured, or generated once into a file for a first try on
 * one machine. A second node with another secret cannot open the ring and says so.
 */
function keyEncryptionSecretFor(
  options: SesameOptions,
  storage: AuthStorage,
  dataDir: string,
  log: (message: string) => void,
): Uint8Array | undefined {
  const keys = options.keys ?? {};
  if (keys.encryptionSecret) return decodeSecret(keys.encryptionSecret, "KEY_ENCRYPTION_SECRET");
  if (!storage.keyRing || keys.inline) return undefined;
  return loadServerSecret(
    undefined,
    keys.encryptionSecretFile ?? generatedFiles(dataDir).keyEncryptionSecret,
    log,
    "KEY_ENCRYPTION_SECRET",
  );
}
