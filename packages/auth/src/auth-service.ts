import { randomBytes } from "node:crypto";
import type { AuditEvent, AuditListInput } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { Accounts } from "./accounts/accounts.ts";
import { AuditTrail } from "./audit/audit-trail.ts";
import { AUTH_DEFAULTS, type AuthConfig } from "./auth-config.ts";
import type { AuthDeps } from "./auth-deps.ts";
import { type Clock, systemClock } from "./clock.ts";
import { DeviceTokens } from "./devices/device-tokens.ts";
import { DpopVerifier } from "./dpop/dpop-verifier.ts";
import { EmailFlows } from "./email/email-flows.ts";
import { EmailLinks } from "./email/email-links.ts";
import { MailBudget } from "./email/mail-budget.ts";
import { MailQueue, noMailTransport } from "./email/mail-queue.ts";
import type { MailTransport } from "./email/mail-transport.ts";
import { type IdGenerator, randomIds } from "./ids.ts";
import type { KeyRingSource } from "./keys/key-ring-source.ts";
import { MfaTickets } from "./mfa/mfa-tickets.ts";
import { SecondFactors } from "./mfa/second-factors.ts";
import { type TotpEncryptionKeys, TotpSecretBox } from "./mfa/totp-secret-box.ts";
import type { OAuthProviderConfig } from "./oauth/oauth-provider-config.ts";
import { OAuthSignIn } from "./oauth/oauth-sign-in.ts";
import { providerClients } from "./oauth/provider-clients.ts";
import { Passkeys } from "./passkeys/passkeys.ts";
import { PasswordHasher } from "./passwords/password-hasher.ts";
import type { RequestMeta } from "./request-meta.ts";
import {
  type SecurityEventOptions,
  SecurityEventTransmitter,
} from "./security-events/security-event-transmitter.ts";
import type { IssuedTokens } from "./sessions/issued-tokens.ts";
import { RevokedSessions } from "./sessions/revoked-sessions.ts";
import { rotateRefreshToken } from "./sessions/rotate-refresh-token.ts";
import { SessionControl } from "./sessions/session-control.ts";
import type { AuthStorage } from "./storage.ts";
import { LoginThrottle } from "./throttle/login-throttle.ts";
import { RequestBudget } from "./throttle/request-budget.ts";
import { type AccessClaims, AccessTokens } from "./tokens/access-tokens.ts";
import { RefreshTokens } from "./tokens/refresh-tokens.ts";
import { SuccessorSeal } from "./tokens/successor-seal.ts";

export interface AuthServiceOptions {
  storage: AuthStorage;
  keys: KeyRingSource;
  config: Pick<AuthConfig, "issuer"> & Partial<AuthConfig>;
  clock?: Clock;
  ids?: IdGenerator;
  hasher?: PasswordHasher;
  /**
   * At least 32 random bytes that never enter the database, the same for every
   * process: the grace-window seals and the device tokens derive their keys
   * from it. Without one, a random secret of this process is used (fine for
   * one process; a second one could not open the first one's seals).
   */
  secret?: Uint8Array;
  /** How many verified access tokens to remember (0 turns the cache off). */
  verifiedTokenCacheSize?: number;
  /**
   * How mail leaves the process (the server passes SMTP or its dev outbox),
   * where failed sends are logged, and the waits between tries. Without a
   * transport every mail fails, logged.
   */
  mail?: { transport: MailTransport; log?: (line: string) => void; retryDelaysMs?: number[] };
  /** Sign-in providers (`OAUTH_PROVIDERS`), and the redirect URIs native apps may use (`OAUTH_REDIRECT_URIS`). */
  oauth?: { providers: OAuthProviderConfig[]; nativeRedirectUris?: string[] };
  /**
   * The keys TOTP secrets are sealed under at rest (`TOTP_ENCRYPTION_KEY`,
   * `TOTP_ENCRYPTION_KEYS_PREVIOUS`): new ones under `current` (by default the
   * server secret), and ones sealed earlier under a `previous` key still open
   * and are sealed again under the current one when next used.
   */
  totpEncryptionKeys?: TotpEncryptionKeys;
  /** Where the core reports what an operator must fix, such as a TOTP secret under a key not configured; default `console.error`. */
  log?: (line: string) => void;
  /** The services that may poll the feed of session revocations (`SECURITY_EVENT_RECEIVERS`). */
  securityEvents?: SecurityEventOptions;
}

/**
 * The whole auth core behind one object: it knows no HTTP and no SQL. The
 * server calls it from its procedures and turns its `AuthError`s into
 * responses, once.
 *
 * @example
 * const auth = createAuthService({ storage, keys, config: { issuer: "https://id.example.com" } });
 * const pair = await auth.login({ email, password }, { ip, userAgent });
 * const claims = await auth.authenticate(pair.accessToken);
 */
export class AuthService {
  readonly accounts: Accounts;
  readonly sessions: SessionControl;
  /** Verification, password reset, email change and sign-in links. */
  readonly email: EmailFlows;
  /** TOTP, recovery codes and the second step of a sign-in. */
  readonly mfa: SecondFactors;
  /** Passkeys (WebAuthn): registration, the list, removal and sign-in. */
  readonly passkeys: Passkeys;
  /** Sign-in with Google, GitHub and any OpenID Connect provider. */
  readonly oauth: OAuthSignIn;
  /** Per-IP budgets the HTTP layer spends before sign-in/sign-up and refresh, shared by every process. */
  readonly requestBudgets: { signIn: RequestBudget; refresh: RequestBudget };

  /** Resolves once the revocations on record are loaded; the server awaits it before serving. */
  readonly ready: Promise<void>;

  constructor(
    private readonly deps: AuthDeps,
    oauth: { providers: OAuthProviderConfig[]; nativeRedirectUris?: string[] } = { providers: [] },
    /** The feed of session revocations for other services (RFC 8936 poll of CAEP SETs). */
    readonly securityEvents: SecurityEventTransmitter,
  ) {
    this.ready = deps.revoked.start();
    // Whoever needs it awaits `ready` and sees its failure; an embedder that never does must not crash on it.
    this.ready.catch(() => {});
    this.accounts = new Accounts(deps);
    this.sessions = new SessionControl(deps);
    this.email = new EmailFlows(deps);
    this.mfa = new SecondFactors(deps);
    this.passkeys = new Passkeys(deps);
    this.oauth = new OAuthSignIn(
      deps,
      providerClients(oauth.providers),
      oauth.nativeRedirectUris ?? [],
    );
    const { storage, clock, config } = deps;
    const t = config.throttle;
    this.requestBudgets = {
      signIn: new RequestBudget(
        storage.throttle,
        clock,
        "sign_in",
        t.signInRequests,
        t.requestWindow,
      ),
      refresh: new RequestBudget(
        storage.throttle,
        clock,
        "refresh",
        t.refreshRequests,
        t.requestWindow,
      ),
    };
  }

  get config(): AuthConfig {
    return this.deps.config;
  }

  /** The core's clock (epoch ms): the HTTP layer uses it for cookie lifetimes so tests can move time. */
  now(): number {
    return this.deps.clock.now();
  }

  /**
   * Checks an access token: signature and claims (no database read, cached
   * per token), then that its session has not been revoked since it was issued.
   */
  async authenticate(accessToken: string): Promise<AccessClaims> {
    const claims = await this.deps.accessTokens.verify(accessToken);
    if (this.deps.revoked.has(claims.sessionId)) throw new AuthError("SESSION_REVOKED");
    return claims;
  }

  refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    return rotateRefreshToken(this.deps, refreshToken, meta);
  }

  /** A page of the user's security events, newest first; a bare number is the page size. */
  auditLog(userId: string, options: AuditListInput | number = {}): Promise<AuditEvent[]> {
    return this.deps.audit.list(userId, typeof options === "number" ? { limit: options } : options);
  }

  /**
   * Housekeeping the server runs hourly: deletes sessions (and their tokens)
   * that ended long enough ago that no token of theirs can matter, audit
   * events past their retention, and throttle counters idle for longer than
   * any of them is remembered (each would read as zero by then).
   */
  async purgeExpired(): Promise<{
    sessions: number;
    auditEvents: number;
    counters: number;
    emailTokens: number;
    mfaTickets: number;
    webauthnChallenges: number;
    oauthStates: number;
  }> {
    const { config, clock, storage } = this.deps;
    const now = clock.now();
    const retainMs = (config.accessTokenTtl + config.clockTolerance) * 1000 + 24 * 60 * 60 * 1000;
    const t = config.throttle;
    const longestMemory = Math.max(
      t.accountFailureMemory,
      t.accountLockout,
      t.ipWindow,
      t.requestWindow,
    );
    return {
      sessions: await storage.sessions.purgeDead(now, retainMs),
      auditEvents: await storage.audit.purgeBefore(now - config.auditRetention * 1000),
      counters: await storage.throttle.purgeIdleBefore(now - longestMemory * 1000),
      // A day past its expiry, a link is no longer worth a LINK_EXPIRED over a LINK_INVALID.
      emailTokens: await storage.emailTokens.purgeExpiredBefore(now - 24 * 60 * 60 * 1000),
      mfaTickets: await storage.mfaTickets.purgeExpiredBefore(now),
      webauthnChallenges: await storage.webauthnChallenges.purgeExpiredBefore(now),
      oauthStates: await storage.oauthStates.purgeExpiredBefore(now),
    };
  }

  /**
   * Erases grace-window seals whose window has passed and forgets DPoP proof
   * ids that can no longer pass the time check; the server runs it every few
   * seconds, so a database copy holds no seal older than about the window.
   */
  async sweepShortLived(): Promise<{ seals: number; dpopProofs: number }> {
    const { config, clock, storage } = this.deps;
    const now = clock.now();
    return {
      seals: await storage.sessions.eraseSealsBefore(now - config.refreshReuseGrace * 1000),
      dpopProofs: await storage.dpopProofs.purgeExpired(now),
    };
  }

  /** Resolves once every mail asked for so far is sent or given up on (tests; a graceful shutdown). */
  drainMail(): Promise<void> {
    return this.deps.mail.drain();
  }

  /** Stops the revocation feed; the storage itself is the caller's to close. */
  stop(): Promise<void> {
    this.securityEvents.close();
    return this.deps.revoked.stop();
  }

  /** Forget cached token verifications; the server calls this when keys change. */
  clearTokenCache(): void {
    this.deps.accessTokens.clearCache();
  }
}

export function createAuthService(options: AuthServiceOptions): AuthService {
  const config: AuthConfig = {
    ...AUTH_DEFAULTS,
    ...options.config,
    // Groups merge field by field, so a caller setting some limits keeps the defaults of the rest.
    throttle: { ...AUTH_DEFAULTS.throttle, ...options.config.throttle },
    emailLinks: { ...AUTH_DEFAULTS.emailLinks, ...options.config.emailLinks },
  };
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const { storage, keys } = options;
  const secret = options.secret ?? randomBytes(32);
  const revoked = new RevokedSessions(
    storage.revocations,
    clock,
    (config.accessTokenTtl + config.clockTolerance) * 1000,
  );
  if (secret.length < 32) throw new Error("The server secret must be at least 32 bytes.");
  const audit = new AuditTrail(storage.audit, clock);
  const log = options.mail?.log ?? ((line: string) => console.warn(line));
  // Subscribed before the feed starts: the revocations on record reach it too.
  const securityEvents = new SecurityEventTransmitter(
    { revoked, keys, clock, config, log: options.log ?? ((line: string) => console.error(line)) },
    options.securityEvents ?? { receivers: [] },
  );
  const mail = new MailQueue(
    options.mail?.transport ?? noMailTransport,
    audit,
    log,
    options.mail?.retryDelaysMs,
  );
  return new AuthService(
    {
      storage,
      config,
      clock,
      ids,
      hasher: options.hasher ?? new PasswordHasher(),
      accessTokens: new AccessTokens(keys, config, clock, ids, options.verifiedTokenCacheSize),
      refreshTokens: new RefreshTokens(keys, config, ids),
      revoked,
      throttle: new LoginThrottle(storage.throttle, config.throttle, clock),
      audit,
      // Proof times are whole seconds from the client's clock: never less than the contract's ±30 s.
      dpop: new DpopVerifier(storage.dpopProofs, clock, Math.max(config.clockTolerance, 30)),
      devices: new DeviceTokens(secret),
      successorSeal: new SuccessorSeal(secret),
      mail,
      links: new EmailLinks({ storage, clock, config, audit, mail }),
      mailBudget: new MailBudget(storage.throttle, clock, config.throttle),
      mfaTickets: new MfaTickets(storage.mfaTickets, clock),
      totpSecrets: new TotpSecretBox(secret, options.totpEncryptionKeys),
      log: options.log ?? ((line: string) => console.error(line)),
    },
    options.oauth,
    securityEvents,
  );
}
