import { describe, expect, it } from "vitest";
import {
  validateCurrentPassword,
  validatePasswordAndCode,
  validateSecondFactor,
  validateTotpCode,
} from "./form-validation.ts";

describe("the second-factor forms", () => {
  it("take an app's six digits, spaced as some apps show them, and nothing else", () => {
    expect(validateTotpCode({ code: "123456" })).toEqual({});
    expect(validateTotpCode({ code: " 123 456 " })).toEqual({});
    for (const code of ["", "12345", "1234567", "12345a"]) {
      expect(validateTotpCode({ code })).toEqual({
        code: "Enter the 6-digit code from your authenticator app.",
      });
    }
  });

  it("take a recovery code as printed, or say what one looks like", () => {
    expect(validateSecondFactor({ code: "4F7K-2M9Q-X3AB" }, "recovery_code")).toEqual({});
    expect(validateSecondFactor({ code: "" }, "recovery_code")).toEqual({
      code: "Enter one of your recovery codes.",
    });
    expect(validateSecondFactor({ code: "4f7k" }, "recovery_code")).toEqual({
      code: "A recovery code looks like this: 4f7k-2m9q-x3ab.",
    });
    // The step's field is checked for the kind of code it asks for.
    expect(validateSecondFactor({ code: "4f7k-2m9q-x3ab" }, "totp")).toEqual({
      code: "Enter the 6-digit code from your authenticator app.",
    });
  });

  it("ask for the password before a change, and a code too for one to a working factor", () => {
    expect(validateCurrentPassword({ currentPassword: "" })).toEqual({
      currentPassword: "Enter your current password.",
    });
    expect(validatePasswordAndCode({ currentPassword: "", code: "" })).toEqual({
      currentPassword: "Enter your current password.",
      code: "Enter the 6-digit code from your authenticator app.",
    });
    expect(validatePasswordAndCode({ currentPassword: "secret", code: "000000" })).toEqual({});
  });
});
