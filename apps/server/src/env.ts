import {
  AUTH_DEFAULTS,
  DEFAULT_EMAIL_LINKS,
  DEFAULT_THROTTLE,
  oauthProvidersSchema,
  SIGNING_ALGORITHMS,
  securityEventReceiversSchema,
} from "@sesame/auth";
import { z } from "zod";

/**
 * A whole number written in decimal digits. An empty variable counts as unset
 * (`PORT=` in a compose file must not mean port 0, nor `RATE_LIMIT_SIGN_IN=` a
 * budget of 0), and `0x50` or `1e3` are refused rather than read as numbers.
 */
const wholeNumber = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number (digits only)")
    .transform(Number)
    .optional(),
);
const positive = (fallback: number) =>
  wholeNumber.pipe(z.number().int().positive().default(fallback));
const seconds = positive;
const count = (fallback: number) => wholeNumber.pipe(z.number().int().min(0).default(fallback));
/** An http(s) origin: `localhost:5173` (no scheme) would parse as a URL whose origin is "null". */
const httpUrl = z.url({
  protocol: /^https?$/,
  hostname: z.regexes.hostname,
  error: "must be an http(s) URL, e.g. https://app.example.com",
});
const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .default("off")
  .transform((value) => ["1", "true", "yes", "on"].includes(value));
const list = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

/**
 * A key of at least 32 random bytes written in base64url, as the server
 * secret is: decoded here, so a mistyped key stops the server at start
 * rather than at the first sign-in it should have opened. The message never
 * repeats the value.
 */
function decodeKeySecret(value: string, ctx: z.RefinementCtx): Uint8Array {
  const bytes = Buffer.from(value, "base64url");
  if (bytes.length < 32 || bytes.toString("base64url") !== value.replace(/=+$/, "")) {
    ctx.addIssue({ code: "custom", message: "must be at least 32 random bytes, base64url" });
    return z.NEVER;
  }
  return new Uint8Array(bytes);
}
const keySecret = z.string().trim().transform(decodeKeySecret);
/** A previous TOTP key: its secret, or `server-secret` for the server secret's (the default). */
const previousTotpKey = z
  .string()
  .transform((value, ctx): Uint8Array | "server-secret" =>
    value === "server-secret" ? value : decodeKeySecret(value, ctx),
  );

/**
 * Every setting of the server, read from the environment once at start and
 * validated; nothing else reads `process.env`. Names and defaults are the
 * README's configuration table.
 */
/** A JSON array; unset or empty is `[]`. A parse error names no part of the value (it may hold secrets). */
const jsonArray = z
  .string()
  .default("[]")
  .transform((text, ctx) => {
    try {
      return JSON.parse(text.trim() === "" ? "[]" : text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON array" });
      return z.NEVER;
    }
  });

export const envSchema = z.object({
  PORT: wholeNumber.pipe(z.number().int().min(0).max(65535).default(3000)),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** A SQLite file path or `file:` URL, or `postgres://…` / `postgresql://…`. */
  DATABASE_URL: z.string().min(1).default("./data/sesame.db"),
  /** PostgreSQL: connections in each process's pool. */
  DATABASE_POOL_SIZE: positive(10),
  /** The origin clients reach the server at; the `iss` of its tokens. Defaults to http://localhost:PORT. */
  PUBLIC_URL: httpUrl.optional(),
  ALLOWED_ORIGINS: list.pipe(z.array(httpUrl)),
  TRUST_PROXY: flag,

  ACCESS_TOKEN_TTL: seconds(AUTH_DEFAULTS.accessTokenTtl),
  SESSION_IDLE_TTL: seconds(AUTH_DEFAULTS.sessionIdleTtl),
  SESSION_ABSOLUTE_TTL: seconds(AUTH_DEFAULTS.sessionAbsoluteTtl),
  REFRESH_REUSE_GRACE: count(AUTH_DEFAULTS.refreshReuseGrace),
  CLOCK_TOLERANCE: count(AUTH_DEFAULTS.clockTolerance),
  JWT_AUDIENCE: z.string().min(1).default(AUTH_DEFAULTS.audience),
  AUDIT_RETENTION: seconds(AUTH_DEFAULTS.auditRetention),

  SIGNING_ALG: z.enum(SIGNING_ALGORITHMS).default("EdDSA"),
  /** Where generated keys are kept (mode 0600) when SIGNING_KEYS is not set; defaults to beside the database. */
  SIGNING_KEYS_FILE: z.string().min(1).optional(),
  /** The keys themselves, as the JSON the key file holds; takes precedence over the file. */
  SIGNING_KEYS: z.string().optional(),
  /** At least 32 random bytes, base64url: keys grace-window seals and device tokens. Never in the database. */
  SERVER_SECRET: z.string().optional(),
  /**
   * At least 32 random bytes, base64url, the same on every node: on PostgreSQL
   * the signing keys live in the database sealed under it, and the server
   * secret derives from it unless SERVER_SECRET is set.
   */
  KEY_ENCRYPTION_SECRET: z.string().optional(),
  /** PostgreSQL: where a generated KEY_ENCRYPTION_SECRET is kept (mode 0600) when it is not set. */
  KEY_ENCRYPTION_SECRET_FILE: z.string().min(1).optional(),
  /** Where the generated server secret is kept (mode 0600) when SERVER_SECRET is not set; defaults to beside the database. */
  SERVER_SECRET_FILE: z.string().min(1).optional(),
  /** The key new TOTP secrets are sealed under (at least 32 random bytes, base64url); unset: the server secret. */
  TOTP_ENCRYPTION_KEY: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    keySecret.optional(),
  ),
  /**
   * Keys TOTP secrets sealed earlier may be under, comma-separated, until
   * `npm run keys -- totp-reseal` (or each one's next use) moves them to the
   * current key; `server-secret` names the server secret's, the default.
   */
  TOTP_ENCRYPTION_KEYS_PREVIOUS: list.pipe(z.array(previousTotpKey)),

  LOGIN_FREE_FAILURES: count(DEFAULT_THROTTLE.accountFreeFailures),
  LOGIN_LOCKOUT_FAILURES: count(DEFAULT_THROTTLE.accountLockoutFailures),
  LOGIN_LOCKOUT: seconds(DEFAULT_THROTTLE.accountLockout),
  LOGIN_MAX_DELAY: seconds(DEFAULT_THROTTLE.accountMaxDelay),
  LOGIN_IP_MAX_FAILURES: count(DEFAULT_THROTTLE.ipMaxFailures),
  LOGIN_IP_WINDOW: seconds(DEFAULT_THROTTLE.ipWindow),
  /** Sign-ins and sign-ups per IP per RATE_LIMIT_WINDOW, counted in the database. */
  RATE_LIMIT_SIGN_IN: count(DEFAULT_THROTTLE.signInRequests),
  /** Refreshes per IP per RATE_LIMIT_WINDOW: every page load of the web app costs one, and a 256-bit token is no guessing target. */
  RATE_LIMIT_REFRESH: count(DEFAULT_THROTTLE.refreshRequests),
  RATE_LIMIT_WINDOW: seconds(DEFAULT_THROTTLE.requestWindow),
  /** Mails with a link one address may be sent per RATE_LIMIT_MAIL_WINDOW, account or not. */
  RATE_LIMIT_MAIL_ADDRESS: count(DEFAULT_THROTTLE.mailsPerAddress),
  /** Mail requests (reset, sign-in link, verification, email change) per IP per RATE_LIMIT_MAIL_WINDOW. */
  RATE_LIMIT_MAIL_IP: count(DEFAULT_THROTTLE.mailRequestsPerIp),
  RATE_LIMIT_MAIL_WINDOW: seconds(DEFAULT_THROTTLE.mailWindow),

  /** `smtp://user:pass@host:587` or `smtps://…:465`; without it, mail goes to the dev outbox folder. */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  /** Where mail goes without SMTP_URL (development), one .eml file each. Defaults to outbox/ beside the database. */
  MAIL_OUTBOX_DIR: z.string().min(1).optional(),
  /** Sign-in and sign-up of an account whose address is not verified answer 403 EMAIL_NOT_VERIFIED. */
  REQUIRE_EMAIL_VERIFICATION: flag,
  /** Roles (`admin`, `user`) whose sessions need a second factor: without one they reach only enrolment. */
  REQUIRE_MFA_FOR_ROLES: list.pipe(z.array(z.enum(["user", "admin"]))),
  /** Sign-in providers: a JSON array of `{id, issuer?, clientId, clientSecret, scopes?, name?}`. */
  OAUTH_PROVIDERS: jsonArray.pipe(oauthProvidersSchema),
  /** Redirect URIs native apps may use with auth.oauthStart (RFC 8252: a custom scheme or loopback). */
  OAUTH_REDIRECT_URIS: list,
  /** Services that may poll the feed of session revocations: a JSON array of `{id, secret}`. */
  SECURITY_EVENT_RECEIVERS: jsonArray.pipe(securityEventReceiversSchema),
  EMAIL_VERIFICATION_TTL: seconds(DEFAULT_EMAIL_LINKS.verifyEmailTtl),
  PASSWORD_RESET_TTL: seconds(DEFAULT_EMAIL_LINKS.resetPasswordTtl),
  SIGN_IN_LINK_TTL: seconds(DEFAULT_EMAIL_LINKS.signInTtl),
  EMAIL_CHANGE_TTL: seconds(DEFAULT_EMAIL_LINKS.changeEmailTtl),

  BODY_LIMIT_BYTES: positive(64 * 1024),
  /** The built web app to serve; empty to serve none. Defaults to apps/web/dist. */
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(["silent", "info"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment, or throws one readable error naming every bad variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
