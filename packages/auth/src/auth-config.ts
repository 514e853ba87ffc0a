import type { Role } from "@sesame/contracts";

/** Lifetimes and limits of the auth core. Times in seconds, like JWT claims. */
export interface AuthConfig {
  /** `iss` of every token; also the issuer other services trust. */
  issuer: string;
  /** `aud` of access tokens. Refresh tokens use `${audience}:refresh`, so one can never pass as the other. */
  audience: string;
  accessTokenTtl: number;
  /** A session dies after this long without a refresh. */
  sessionIdleTtl: number;
  /** A session dies this long after login, however often it is refreshed. */
  sessionAbsoluteTtl: number;
  /** Seconds in which the immediate parent of the current refresh token still yields its successor. */
  refreshReuseGrace: number;
  clockTolerance: number;
  /** Seconds security events are kept in the audit log. */
  auditRetention: number;
  /** Where the web app is served: the links in mails open its pages. Defaults to the issuer. */
  appUrl?: string;
  emailLinks: EmailLinkConfig;
  /** Refuse sign-in (403 `EMAIL_NOT_VERIFIED`) to accounts whose address is not verified. */
  requireEmailVerification: boolean;
  /**
   * Roles whose sessions must be signed in with a second factor: without one
   * (`mfa` in `amr`) they reach only the enrolment procedures.
   */
  requireMfaForRoles: readonly Role[];
  /**
   * The WebAuthn relying party, from configuration only (never from a
   * request): its id (a host, by default the issuer's), the name shown by
   * authenticators, and the origins a ceremony may come from (by default the
   * issuer's).
   */
  webauthn?: { rpId: string; rpName: string; origins: string[] };
  throttle: ThrottleConfig;
}

/** How long each kind of email link works (seconds). */
export interface EmailLinkConfig {
  verifyEmailTtl: number;
  resetPasswordTtl: number;
  signInTtl: number;
  changeEmailTtl: number;
}

export interface ThrottleConfig {
  /** Failed logins per account before back-off starts. */
  accountFreeFailures: number;
  /** First back-off delay (s); it doubles with each further failure. */
  accountBaseDelay: number;
  /** Longest back-off delay (s). */
  accountMaxDelay: number;
  /** Consecutive failures after which the account is locked for `accountLockout`. */
  accountLockoutFailures: number;
  accountLockout: number;
  /** An account's failure count is forgotten after this long without a failure (s). */
  accountFailureMemory: number;
  /** Failed logins per IP allowed in `ipWindow` seconds. */
  ipMaxFailures: number;
  ipWindow: number;
  /** Sign-in and sign-up requests per IP allowed in `requestWindow` seconds, failed or not. */
  signInRequests: number;
  /** Refresh requests per IP allowed in `requestWindow` seconds: every page load of a web app costs one. */
  refreshRequests: number;
  requestWindow: number;
  /** Mails with a link one address may be sent in `mailWindow` seconds, whether it has an account or not. */
  mailsPerAddress: number;
  /** Mail requests (reset, sign-in link, verification, email change) per IP in `mailWindow` seconds. */
  mailRequestsPerIp: number;
  mailWindow: number;
}

export const DEFAULT_THROTTLE: ThrottleConfig = {
  accountFreeFailures: 5,
  accountBaseDelay: 1,
  accountMaxDelay: 15 * 60,
  accountLockoutFailures: 20,
  accountLockout: 60 * 60,
  accountFailureMemory: 24 * 60 * 60,
  ipMaxFailures: 100,
  ipWindow: 5 * 60,
  signInRequests: 150,
  refreshRequests: 300,
  requestWindow: 5 * 60,
  mailsPerAddress: 5,
  mailRequestsPerIp: 60,
  mailWindow: 15 * 60,
};

export const DEFAULT_EMAIL_LINKS: EmailLinkConfig = {
  verifyEmailTtl: 24 * 60 * 60,
  resetPasswordTtl: 30 * 60,
  signInTtl: 15 * 60,
  changeEmailTtl: 60 * 60,
};

export const AUTH_DEFAULTS = {
  audience: "sesame",
  accessTokenTtl: 10 * 60,
  sessionIdleTtl: 7 * 24 * 60 * 60,
  sessionAbsoluteTtl: 30 * 24 * 60 * 60,
  refreshReuseGrace: 10,
  clockTolerance: 30,
  auditRetention: 90 * 24 * 60 * 60,
  emailLinks: DEFAULT_EMAIL_LINKS,
  requireEmailVerification: false,
  requireMfaForRoles: [],
  throttle: DEFAULT_THROTTLE,
} satisfies Omit<AuthConfig, "issuer">;

export const refreshAudience = (config: Pick<AuthConfig, "audience">): string =>
  `${config.audience}:refresh`;
