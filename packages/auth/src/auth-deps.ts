import type { AuditTrail } from "./audit/audit-trail.ts";
import type { AuthConfig } from "./auth-config.ts";
import type { Clock } from "./clock.ts";
import type { DeviceTokens } from "./devices/device-tokens.ts";
import type { DpopVerifier } from "./dpop/dpop-verifier.ts";
import type { EmailLinks } from "./email/email-links.ts";
import type { MailBudget } from "./email/mail-budget.ts";
import type { MailQueue } from "./email/mail-queue.ts";
import type { IdGenerator } from "./ids.ts";
import type { MfaTickets } from "./mfa/mfa-tickets.ts";
import type { TotpSecretBox } from "./mfa/totp-secret-box.ts";
import type { PasswordHasher } from "./passwords/password-hasher.ts";
import type { RevokedSessions } from "./sessions/revoked-sessions.ts";
import type { AuthStorage } from "./storage.ts";
import type { LoginThrottle } from "./throttle/login-throttle.ts";
import type { AccessTokens } from "./tokens/access-tokens.ts";
import type { RefreshTokens } from "./tokens/refresh-tokens.ts";
import type { SuccessorSeal } from "./tokens/successor-seal.ts";

/** The parts every auth operation is built from; assembled once by `createAuthService`. */
export interface AuthDeps {
  storage: AuthStorage;
  config: AuthConfig;
  clock: Clock;
  ids: IdGenerator;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  revoked: RevokedSessions;
  throttle: LoginThrottle;
  audit: AuditTrail;
  dpop: DpopVerifier;
  devices: DeviceTokens;
  successorSeal: SuccessorSeal;
  mail: MailQueue;
  links: EmailLinks;
  mailBudget: MailBudget;
  mfaTickets: MfaTickets;
  totpSecrets: TotpSecretBox;
  /** Where the core tells the operator what only they can fix (a TOTP secret under a key not configured). */
  log: (line: string) => void;
}
