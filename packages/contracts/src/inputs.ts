import { z } from "zod";
import { AUDIT_EVENT_TYPES, auditEventTypeSchema } from "./outputs.ts";

/** NIST SP 800-63B: at least 8 characters, at least 64 allowed; we allow 1024, never truncate. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * Upper bound on any token-shaped string the API accepts: a JWT of ours is ~400
 * characters, so anything past this is refused before decoding or crypto.
 */
export const TOKEN_MAX_LENGTH = 4096;

/** Surrounding spaces (a pasted address) are forgiven; case is normalized by the core. */
export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ error: "Enter a valid email address." }));

/**
 * The password field as it travels. The policy (length in characters, the
 * common-password list) is enforced by the auth core so that a weak password is
 * always a `WEAK_PASSWORD` error; this only bounds the size so an over-long
 * input is refused before anything is hashed.
 */
export const passwordFieldSchema = z.string().max(PASSWORD_MAX_LENGTH * 4);

/** `cookie` (browsers): refresh token only in an httpOnly cookie. `body` (native apps): only in JSON. */
export const transportSchema = z.enum(["cookie", "body"]);
export type Transport = z.infer<typeof transportSchema>;

/** C0/C1 controls, bidirectional overrides and isolates (which can make a name read as another), lone surrogates. */
const UNSAFE_IN_NAME = /[\p{Cc}\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;
/** Anything a reader can see: not whitespace, not an invisible format character such as U+200B. */
const VISIBLE = /[^\p{White_Space}\p{Cf}]/u;

/**
 * A display name as people write it, in any script, up to 100 characters,
 * NFC-normalized so one name has one spelling. Refused: control characters,
 * bidirectional overrides, broken UTF-16 (a lone surrogate comes back
 * changed from every JSON round trip), and names with nothing visible.
 */
export const displayNameSchema = z
  .string()
  .trim()
  .max(100, "Keep your name under 100 characters.")
  .refine((name) => !UNSAFE_IN_NAME.test(name), "Remove control or direction characters.")
  .refine((name) => VISIBLE.test(name), "Enter a name, or leave it empty.")
  .transform((name) => name.normalize("NFC"));

export const registerInput = z.object({
  email: emailSchema,
  password: passwordFieldSchema,
  name: displayNameSchema.optional(),
  transport: transportSchema.optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z.object({
  email: emailSchema,
  password: passwordFieldSchema,
  transport: transportSchema.optional(),
  /**
   * The device token an earlier sign-in of this app gave it (body transport;
   * browsers keep it in a cookie): its attempts are throttled on their own.
   */
  deviceToken: z.string().max(256).optional(),
});
export type LoginInput = z.infer<typeof loginInput>;

/** Without `refreshToken` the cookie transport is used. */
export const refreshInput = z
  .object({ refreshToken: z.string().min(1).max(TOKEN_MAX_LENGTH).optional() })
  .optional();
export type RefreshInput = z.infer<typeof refreshInput>;

/** Native apps may name the refresh token to end its session; browsers send the cookie or an access token. */
export const logoutInput = z
  .object({ refreshToken: z.string().min(1).max(TOKEN_MAX_LENGTH).optional() })
  .optional();
export type LogoutInput = z.infer<typeof logoutInput>;

export const changePasswordInput = z.object({
  currentPassword: passwordFieldSchema,
  newPassword: passwordFieldSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const revokeSessionInput = z.object({
  sessionId: z.string().min(1).max(64),
});
export type RevokeSessionInput = z.infer<typeof revokeSessionInput>;

/**
 * A page of the caller's events, newest first: at most `limit`, only those
 * with an id below `before` (the last id of the page before), only `types`.
 */
export const auditListInput = z
  .object({
    limit: z.number().int().min(1).max(200).optional(),
    before: z.number().int().min(1).optional(),
    types: z.array(auditEventTypeSchema).min(1).max(AUDIT_EVENT_TYPES.length).optional(),
  })
  .optional();
export type AuditListInput = z.infer<typeof auditListInput>;

/**
 * The token of an email link (`#token=` of the link): 43 base64url
 * characters (32 random bytes) as issued, a little slack for other lengths;
 * anything else is refused before any lookup.
 */
export const emailLinkTokenSchema = z
  .string()
  .min(22)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "The link is not valid.");

export const emailLinkInput = z.object({ token: emailLinkTokenSchema });
export type EmailLinkInput = z.infer<typeof emailLinkInput>;

/** `auth.requestPasswordReset` and `auth.requestSignInLink`. */
export const emailAddressInput = z.object({ email: emailSchema });
export type EmailAddressInput = z.infer<typeof emailAddressInput>;

export const resetPasswordInput = z.object({
  token: emailLinkTokenSchema,
  newPassword: passwordFieldSchema,
});
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const changeEmailInput = z.object({
  newEmail: emailSchema,
  currentPassword: passwordFieldSchema,
});
export type ChangeEmailInput = z.infer<typeof changeEmailInput>;

export const signInWithLinkInput = z.object({
  token: emailLinkTokenSchema,
  transport: transportSchema.optional(),
});
export type SignInWithLinkInput = z.infer<typeof signInWithLinkInput>;

/** A code from an authenticator app: six digits (spaces as some apps show them are forgiven). */
export const totpCodeSchema = z
  .string()
  .trim()
  .transform((code) => code.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your app."));

/** A recovery code as printed (`xxxx-xxxx-xxxx`), case and dashes forgiven. */
export const recoveryCodeSchema = z.string().trim().min(8).max(32);

export const currentPasswordInput = z.object({ currentPassword: passwordFieldSchema });
export type CurrentPasswordInput = z.infer<typeof currentPasswordInput>;

export const totpCodeInput = z.object({ code: totpCodeSchema });
export type TotpCodeInput = z.infer<typeof totpCodeInput>;

/** `mfa.totp.disable` and `mfa.recoveryCodes.regenerate`: the password and a current code. */
export const passwordAndCodeInput = z.object({
  currentPassword: passwordFieldSchema,
  code: totpCodeSchema,
});
export type PasswordAndCodeInput = z.infer<typeof passwordAndCodeInput>;

/** The second step of a sign-in: the `mfaToken` of MFA_REQUIRED and one second factor. */
export const verifyMfaInput = z
  .object({
    mfaToken: z.string().min(22).max(128),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
    transport: transportSchema.optional(),
    deviceToken: z.string().max(256).optional(),
  })
  .refine((input) => (input.code === undefined) !== (input.recoveryCode === undefined), {
    message: "Send either a code or a recovery code.",
  });
export type VerifyMfaInput = z.infer<typeof verifyMfaInput>;

/** A base64url field of a WebAuthn response, bounded so a hostile one is refused before any parsing. */
const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/);

/** What the browser's `navigator.credentials.create()` gives, as JSON (@simplewebauthn/browser). */
export const registrationResponseSchema = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    attestationObject: b64url(32768),
    authenticatorData: b64url(32768).optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(8192).optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

/** What the browser's `navigator.credentials.get()` gives, as JSON. */
export const authenticationResponseSchema = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url(8192),
    authenticatorData: b64url(8192),
    signature: b64url(2048),
    userHandle: b64url(512).optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

export const finishPasskeyRegistrationInput = z.object({
  response: registrationResponseSchema,
  name: displayNameSchema.optional(),
});
export type FinishPasskeyRegistrationInput = z.infer<typeof finishPasskeyRegistrationInput>;

export const passkeyIdInput = z.object({ id: b64url(1024) });
export type PasskeyIdInput = z.infer<typeof passkeyIdInput>;

export const finishPasskeyLoginInput = z.object({
  challengeId: b64url(128),
  response: authenticationResponseSchema,
  transport: transportSchema.optional(),
  deviceToken: z.string().max(256).optional(),
});
export type FinishPasskeyLoginInput = z.infer<typeof finishPasskeyLoginInput>;

/** A configured provider's id. */
const providerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "Not a provider id.");

/** A path on this origin: `/account`, never `//evil.example` or `https://…` (no open redirect). */
export const returnToSchema = z
  .string()
  .max(512)
  .regex(/^\/(?![/\\])[^\s]*$/, "Must be a path on this site.");

/** Native apps (RFC 8252): the redirect URI must be one of OAUTH_REDIRECT_URIS. */
export const oauthStartInput = z.object({
  provider: providerIdSchema,
  redirectUri: z.string().min(1).max(512),
});
export type OAuthStartInput = z.infer<typeof oauthStartInput>;

export const oauthFinishInput = z.object({
  provider: providerIdSchema,
  code: z.string().min(1).max(2048),
  state: z.string().min(1).max(512),
  redirectUri: z.string().min(1).max(512),
  /** The `iss` the redirect brought back too (RFC 9207), when the provider sends one. */
  iss: z.string().max(512).optional(),
  transport: transportSchema.optional(),
  deviceToken: z.string().max(256).optional(),
});
export type OAuthFinishInput = z.infer<typeof oauthFinishInput>;

export const identityProviderInput = z.object({ provider: providerIdSchema });
export type IdentityProviderInput = z.infer<typeof identityProviderInput>;

/** `identity.linkStart`: the provider to link, and where to come back (default `/account`). */
export const identityLinkStartInput = z.object({
  provider: providerIdSchema,
  returnTo: returnToSchema.optional(),
});
