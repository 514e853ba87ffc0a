import { TRPCClientError } from "@trpc/client";
import { describeError, type ErrorDescription } from "./describe-error.ts";

/** Anything the browser or the authenticator said, for a ceremony that failed there and not at Sesame. */
const DEVICE_FAILED: ErrorDescription = {
  code: "WEBAUTHN",
  message:
    "This browser or device couldn't use a passkey. Try again, or use another browser or device.",
};

/**
 * A passkey request that failed, in words; null when nothing went wrong that
 * the person did not choose. The browser answers NotAllowedError when its
 * prompt is closed (or times out), and AbortError when this page called the
 * ceremony off for another one: neither is worth a message.
 */
export function describePasskeyError(error: unknown): ErrorDescription | null {
  // Sesame's answer (PASSKEY_INVALID, RATE_LIMITED…) or no answer at all.
  if (error instanceof TRPCClientError) return describeError(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") return null;
  // excludeCredentials at work: the authenticator already holds a passkey for this account.
  if (name === "InvalidStateError")
    return { code: "WEBAUTHN", message: "This device already has a passkey for your account." };
  return DEVICE_FAILED;
}
