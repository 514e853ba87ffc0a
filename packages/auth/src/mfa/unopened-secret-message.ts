import type { OpenedTotpSecret } from "./totp-secret-box.ts";

/**
 * The log line for an operator when an account's TOTP secret does not open:
 * which account, which key (by id, never key material) and what to do.
 */
export function describeUnopenedSecret(
  userId: string,
  opened: Exclude<OpenedTotpSecret, { kind: "opened" }>,
): string {
  if (opened.kind === "invalid") {
    return `The TOTP secret of user ${userId} does not open under its key ${opened.keyId}: it was altered or moved from another account. The user cannot sign in with authenticator codes until they set TOTP up again.`;
  }
  const sealedUnder =
    opened.keyId === null
      ? "a server secret none of the configured TOTP keys is (it was sealed before sealed values named their key)"
      : `key ${opened.keyId}, which is not configured`;
  return `The TOTP secret of user ${userId} is sealed under ${sealedUnder}. Add that key to TOTP_ENCRYPTION_KEYS_PREVIOUS (server-secret for the server secret's, the default before TOTP_ENCRYPTION_KEY was set); until then the user's authenticator codes answer MFA_UNAVAILABLE (recovery codes still work).`;
}
