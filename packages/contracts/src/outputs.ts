// Types only (the JSON shapes of WebAuthn options): nothing of the server package runs here.
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { z } from "zod";

export const roleSchema = z.enum(["user", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** Dates travel as ISO-8601 strings so any JSON client can read them. */
const isoDate = z.iso.datetime();

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  createdAt: isoDate,
  /** Whether the owner has proved they receive mail at `email` (a link mailed to it was used). */
  emailVerified: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

export const sessionSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  lastUsedAt: isoDate,
  expiresAt: isoDate,
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

/** Token expiries are epoch seconds, like the `exp` claim. */
export const authResultSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  accessTokenExpiresAt: z.number().int(),
  refreshTokenExpiresAt: z.number().int(),
  refreshToken: z.string().optional(),
  /** Body transport only: the device token to send with this app's next sign-ins (`auth.login` `deviceToken`). */
  deviceToken: z.string().optional(),
  user: userSchema,
});
export type AuthResult = z.infer<typeof authResultSchema>;

export const AUDIT_EVENT_TYPES = [
  "register",
  "login_succeeded",
  "login_failed",
  "login_throttled",
  "refresh",
  "refresh_reuse_detected",
  "logout",
  "logout_all",
  "session_revoked",
  "password_changed",
  "account_disabled",
  // Email links: each request, each mail (sent, or given up on), each use.
  "email_verification_requested",
  "email_verified",
  "password_reset_requested",
  "password_reset",
  "email_change_requested",
  "email_changed",
  "sign_in_link_requested",
  "sign_in_link_used",
  "email_sent",
  "email_failed",
  "email_link_expired",
  // Second factors.
  "totp_added",
  "totp_enabled",
  "totp_disabled",
  "recovery_codes_regenerated",
  "recovery_code_used",
  "mfa_failed",
  "passkey_added",
  "passkey_removed",
  "passkey_counter_regressed",
  "oauth_sign_in",
  "identity_linked",
  "identity_unlinked",
] as const;
export const auditEventTypeSchema = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof auditEventTypeSchema>;

/**
 * What an event says beyond its type, for the few types that say more. A
 * closed set of typed, bounded fields rather than a free-form map: every
 * client gets a schema to read it by, and nothing a request carries can grow
 * an audit row. A field a later server adds is stripped, not refused, by
 * clients parsing with this schema.
 */
export const auditDetailSchema = z.object({
  /** The sign-in provider's id (`google`, `github`, an `OAUTH_PROVIDERS` id): `oauth_sign_in`, `identity_linked`, `identity_unlinked`, and `register` of an account made by one. */
  provider: z.string().min(1).max(32).optional(),
  /** How many recovery codes are left after a `recovery_code_used`. */
  remaining: z.number().int().min(0).optional(),
});
export type AuditDetail = z.infer<typeof auditDetailSchema>;

/**
 * One row of the audit log. Repeated events (failed sign-ins, refreshes) come
 * folded: `count` of them from `firstAt` to `at`, with the session, IP and user
 * agent of the latest; a single event has count 1 and `firstAt` equal to `at`.
 * `detail` is present only for an event that carries one.
 */
export const auditEventSchema = z.object({
  id: z.number().int(),
  type: auditEventTypeSchema,
  at: isoDate,
  firstAt: isoDate,
  count: z.number().int().min(1),
  sessionId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  detail: auditDetailSchema.optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** What `session.list` answers: the caller's live sessions. */
export const sessionListSchema = z.array(sessionSchema);

/** What `audit.list` answers: the caller's events, newest first. */
export const auditEventListSchema = z.array(auditEventSchema);

/** The answer of a mutation whose only news is that it happened (`auth.logout`, `session.revoke`, `user.changePassword`). */
export const okSchema = z.object({ ok: z.literal(true) });
export type Ok = z.infer<typeof okSchema>;

/** What `auth.logoutAll` answers: how many sessions it ended. */
export const logoutAllResultSchema = z.object({ revoked: z.number().int().min(0) });
export type LogoutAllResult = z.infer<typeof logoutAllResultSchema>;

/** What `mfa.status` answers: the caller's second factors. */
export const mfaStatusSchema = z.object({
  totp: z.boolean(),
  passkeys: z.number().int().min(0),
  recoveryCodesLeft: z.number().int().min(0),
});
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

/** What `mfa.totp.begin` answers, shown once: the secret as text and as the URI a QR code carries. */
export const totpEnrolmentSchema = z.object({ secret: z.string(), otpauthUri: z.string() });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

/** A fresh set of recovery codes, shown once. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

/** A passkey as its owner sees it on the Security page. */
export const passkeySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  /** `multiDevice`: synced across the owner's devices; `singleDevice`: bound to one authenticator. */
  deviceType: z.enum(["singleDevice", "multiDevice"]),
  backedUp: z.boolean(),
});
export type Passkey = z.infer<typeof passkeySchema>;
export const passkeyListSchema = z.array(passkeySchema);

/** A WebAuthn options object, passed through to the browser as the server library made it. */
const webauthnOptions = <T>() =>
  z.custom<T>((value) => typeof value === "object" && value !== null && "challenge" in value);

/** `passkey.beginRegistration`: the options for `navigator.credentials.create()`. */
export const passkeyCreationOptionsSchema =
  webauthnOptions<PublicKeyCredentialCreationOptionsJSON>();

/** `auth.beginPasskeyLogin`: the challenge's id and the options for `navigator.credentials.get()`. */
export const passkeyLoginStartSchema = z.object({
  challengeId: z.string(),
  options: webauthnOptions<PublicKeyCredentialRequestOptionsJSON>(),
});
export type PasskeyLoginStart = z.infer<typeof passkeyLoginStartSchema>;

export const passkeyRegisteredSchema = z.object({ id: z.string() });

/** A configured sign-in provider, for a "Continue with …" button. */
export const oauthProviderSchema = z.object({ id: z.string(), name: z.string() });
export type OAuthProvider = z.infer<typeof oauthProviderSchema>;
export const oauthProviderListSchema = z.array(oauthProviderSchema);

/** A provider account linked to the caller's. */
export const identitySchema = z.object({
  provider: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
});
export type Identity = z.infer<typeof identitySchema>;
export const identityListSchema = z.array(identitySchema);

/** Where to send the browser or app next. */
export const oauthUrlSchema = z.object({ url: z.string() });
