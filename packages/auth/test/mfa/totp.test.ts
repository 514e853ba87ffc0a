import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashRecoveryCode, newRecoveryCodes } from "../../src/mfa/recovery-codes.ts";
import { newTotpSecret, otpauthUri, totpCodeAt, totpStepOf } from "../../src/mfa/totp.ts";
import { TotpSecretBox } from "../../src/mfa/totp-secret-box.ts";

/** RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", in base32. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP (RFC 6238)", () => {
  // Appendix B's 8-digit codes; a 6-digit code is the same value modulo 10^6.
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])(
    "Appendix B: at T=%i the code is %s's last six digits, valid for its own step",
    (seconds, code) => {
      const now = seconds * 1000;
      expect(totpCodeAt(RFC_SECRET, now)).toBe(code.slice(2));
      expect(totpStepOf(RFC_SECRET, code.slice(2), now)).toBe(Math.floor(seconds / 30));
    },
  );

  it("accepts one step either side for drift, and no further", () => {
    const secret = newTotpSecret();
    const now = Date.UTC(2026, 11, 2, 12, 0, 15);
    const step = Math.floor(now / 30_000);
    for (const offset of [-1, 0, 1]) {
      const code = totpCodeAt(secret, now + offset * 30_000);
      expect(totpStepOf(secret, code, now), `offset ${offset}`).toBe(step + offset);
    }
    for (const offset of [-3, -2, 2, 3]) {
      const code = totpCodeAt(secret, now + offset * 30_000);
      // (A code of a far step may collide with a near one by chance: one in 10^6 per step.)
      expect(totpStepOf(secret, code, now), `offset ${offset}`).toBeUndefined();
    }
  });

  it("refuses anything that is not six digits", () => {
    const secret = newTotpSecret();
    for (const code of ["", "12345", "1234567", "12345a", " 123456", "١٢٣٤٥٦"]) {
      expect(totpStepOf(secret, code, Date.now())).toBeUndefined();
    }
  });

  it("secrets are 160 random bits in base32, and the URI carries issuer, account and parameters", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, "id.example.com", "ann@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname)).toContain("ann@example.com");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("id.example.com");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});

describe("TOTP secrets at rest", () => {
  it("open only under the same server secret and for the same account", () => {
    const serverSecret = randomBytes(32);
    const box = new TotpSecretBox(serverSecret);
    const sealed = box.seal("user-1", RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET);
    const opened = { kind: "opened", secret: RFC_SECRET, stale: false };
    expect(box.open("user-1", sealed)).toEqual(opened);
    expect(new TotpSecretBox(serverSecret).open("user-1", sealed)).toEqual(opened);
    expect(box.open("user-2", sealed)).toMatchObject({ kind: "invalid" });
    expect(new TotpSecretBox(randomBytes(32)).open("user-1", sealed)).toMatchObject({
      kind: "key_missing",
    });
    expect(box.open("user-1", `${sealed.slice(0, -2)}AA`)).toMatchObject({ kind: "invalid" });
  });
});

describe("recovery codes", () => {
  it("ten distinct codes of 60 random bits, grouped for reading", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
  });

  it("hash as typed: case, spaces and dashes do not matter; another code is another hash", () => {
    const [code = "", other = ""] = newRecoveryCodes();
    const hash = hashRecoveryCode(code);
    expect(hashRecoveryCode(code.toUpperCase())).toBe(hash);
    expect(hashRecoveryCode(code.replaceAll("-", " "))).toBe(hash);
    expect(hashRecoveryCode(code.replaceAll("-", ""))).toBe(hash);
    expect(hashRecoveryCode(other)).not.toBe(hash);
    expect(hash).not.toContain(code.replaceAll("-", ""));
  });
});
