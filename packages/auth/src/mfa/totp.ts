import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps. */
const PARAMS = { algorithm: "SHA1", digits: 6, period: 30 } as const;

/** A new shared secret: 160 random bits (RFC 4226 §4's recommended length), in base32. */
export function newTotpSecret(): string {
  return new Secret({ buffer: randomBytes(20).buffer }).base32;
}

/** The `otpauth://` URI an authenticator app reads (as text or a QR code). */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  return new TOTP({
    ...PARAMS,
    issuer,
    label: account,
    secret: Secret.fromBase32(secret),
  }).toString();
}

/**
 * The time step `code` is valid for at `nowMs`, allowing one step either
 * side for clock drift (RFC 6238 §5.2), or undefined. Whether that step was
 * already used is the caller's to check: a code must pass at most once.
 */
export function totpStepOf(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = TOTP.validate({
    ...PARAMS,
    token: code,
    secret: Secret.fromBase32(secret),
    timestamp: nowMs,
    window: 1,
  });
  return delta === null
    ? undefined
    : TOTP.counter({ period: PARAMS.period, timestamp: nowMs }) + delta;
}

/** The code of a step (for tests and for a second device showing the same code). */
export function totpCodeAt(secret: string, nowMs: number): string {
  return TOTP.generate({ ...PARAMS, secret: Secret.fromBase32(secret), timestamp: nowMs });
}
