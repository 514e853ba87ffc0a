/**
 * @sesame/auth — the auth core. Tokens, rotation, passwords, keys and the wire
 * contracts; no HTTP, no SQL (storage comes in through `AuthStorage`).
 */

export * from "@sesame/contracts";
export { AuthError, type AuthErrorDetails, isAuthError } from "@sesame/contracts";
// The token rules and the feed's words live in @sesame/verify (the lower layer); the issuer's side uses them by these names.
export {
  ACCESS_TOKEN,
  POLL_ENDPOINT_METADATA,
  type PublicJwk,
  RECEIVER_INSTANCE_HEADER,
  verifyToken,
} from "@sesame/verify/rules";
export { normalizeEmail } from "./accounts/normalize-email.ts";
export { foldInstructionFor, foldsIntoSessionRun } from "./audit/fold-rules.ts";
export {
  AUTH_DEFAULTS,
  type AuthConfig,
  DEFAULT_EMAIL_LINKS,
  DEFAULT_THROTTLE,
  type EmailLinkConfig,
  refreshAudience,
  type ThrottleConfig,
} from "./auth-config.ts";
export { AuthService, type AuthServiceOptions, createAuthService } from "./auth-service.ts";
export { type Clock, ManualClock, systemClock, toEpochSeconds } from "./clock.ts";
export { DeviceTokens } from "./devices/device-tokens.ts";
export type { DpopRequest } from "./dpop/dpop-request.ts";
export { describeLifetime, type LinkPage, linkTo } from "./email/mail-messages.ts";
export { MAIL_RETRY_DELAYS_MS } from "./email/mail-queue.ts";
export type { MailMessage, MailTransport } from "./email/mail-transport.ts";
export { type IdGenerator, randomIds } from "./ids.ts";
export {
  JWKS_CACHE_CONTROL,
  JWKS_MAX_AGE,
  JWKS_STALE_WHILE_REVALIDATE,
  NEXT_KEY_MIN_PUBLISHED,
} from "./keys/jwks-cache-policy.ts";
export { type KeyRetentionConfig, retiredKeyRetention } from "./keys/key-retention.ts";
export { KeyRing } from "./keys/key-ring.ts";
export { type KeyRingSource, staticKeyRing } from "./keys/key-ring-source.ts";
export { KeySetError, type KeySetErrorCode } from "./keys/key-set-error.ts";
export { pruneRetiredKeys, retiredKeyDropsAt } from "./keys/prune-retired-keys.ts";
export { type KeyRotation, type RotateKeySetOptions, rotateKeySet } from "./keys/rotate-key-set.ts";
export {
  generateSigningKey,
  type KeyStatus,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SigningKeyRecord,
} from "./keys/signing-key.ts";
export { resealTotpSecrets, type TotpResealReport } from "./mfa/reseal-totp-secrets.ts";
export { totpCodeAt } from "./mfa/totp.ts";
export type { TotpKeySecret } from "./mfa/totp-encryption-key.ts";
export {
  type OpenedTotpSecret,
  type TotpEncryptionKeys,
  TotpSecretBox,
} from "./mfa/totp-secret-box.ts";
export {
  type OAuthProviderConfig,
  oauthProviderConfigSchema,
  oauthProvidersSchema,
} from "./oauth/oauth-provider-config.ts";
export { newBrowserSecret, type OAuthBinding, type OAuthOutcome } from "./oauth/oauth-sign-in.ts";
export { isCommonPassword } from "./passwords/common-passwords.ts";
export { ARGON2_DEFAULTS, type Argon2Params, PasswordHasher } from "./passwords/password-hasher.ts";
export { assertAcceptablePassword } from "./passwords/password-policy.ts";
export type { RequestMeta } from "./request-meta.ts";
export { parsePollRequest } from "./security-events/poll-request.ts";
export {
  type SecurityEventReceiver,
  securityEventReceiversSchema,
} from "./security-events/security-event-receivers.ts";
export type {
  SecurityEventOptions,
  SecurityEventTransmitter,
} from "./security-events/security-event-transmitter.ts";
export { clientBinding } from "./sessions/client-binding.ts";
export type { IssuedTokens } from "./sessions/issued-tokens.ts";
export { decideRotation, type RotationDecision } from "./sessions/rotation-decision.ts";
export type * from "./storage.ts";
export { ipBucket } from "./throttle/ip-bucket.ts";
export { type AttemptSubject, LoginThrottle } from "./throttle/login-throttle.ts";
export { RequestBudget } from "./throttle/request-budget.ts";
export type { AccessClaims } from "./tokens/access-tokens.ts";
export { signToken } from "./tokens/sign-token.ts";
export { SuccessorSeal } from "./tokens/successor-seal.ts";
export { hashToken } from "./tokens/token-hash.ts";
export { REFRESH_TOKEN } from "./tokens/token-kinds.ts";
export { VerifiedTokenCache } from "./tokens/verified-token-cache.ts";
