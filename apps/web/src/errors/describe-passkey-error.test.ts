import { WebAuthnError } from "@simplewebauthn/browser";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { describePasskeyError } from "./describe-passkey-error.ts";

const browserError = (name: string) =>
  new WebAuthnError({
    message: "from the browser",
    code: "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY",
    cause: Object.assign(new Error("cause"), { name }),
  });

describe("describePasskeyError", () => {
  it("says nothing when the prompt was closed or the page started another ceremony", () => {
    expect(describePasskeyError(browserError("NotAllowedError"))).toBeNull();
    expect(describePasskeyError(browserError("AbortError"))).toBeNull();
  });

  it("names a passkey the device already holds for the account", () => {
    expect(describePasskeyError(browserError("InvalidStateError"))?.message).toBe(
      "This device already has a passkey for your account.",
    );
  });

  it("puts Sesame's refusal in Sesame's words", () => {
    const refused = new TRPCClientError("The passkey could not be verified.", {
      result: { error: { data: { authCode: "PASSKEY_INVALID" } } },
    });
    expect(describePasskeyError(refused)?.code).toBe("PASSKEY_INVALID");
  });

  it("blames the device, not the network, for anything else the browser threw", () => {
    expect(describePasskeyError(new Error("WebAuthn is not supported in this browser"))?.code).toBe(
      "WEBAUTHN",
    );
  });
});
