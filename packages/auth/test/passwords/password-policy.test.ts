import { describe, expect, it } from "vitest";
import { AuthError, assertAcceptablePassword, isCommonPassword } from "../../src/index.ts";

function reason(password: string): string | undefined {
  try {
    assertAcceptablePassword(password);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe("WEAK_PASSWORD");
    return (error as AuthError).details.reason;
  }
}

describe("the password policy (NIST SP 800-63B)", () => {
  it("needs at least 8 characters, counted as characters not bytes", () => {
    expect(reason("7chars!")).toMatch(/at least 8/);
    expect(reason("ok8chars")).toBeUndefined();
    expect(reason("ééééééé")).toMatch(/at least 8/);
    expect(reason("😀😃😄😁😆😅😂🤣")).toBeUndefined();
  });

  it("judges the form that is hashed (NFKC): look-alike spellings of a weak password are weak", () => {
    expect(reason("ｐａｓｓｗｏｒｄ")).toMatch(/too common/); // fullwidth "password"
    expect(reason("e\u0301".repeat(4))).toMatch(/at least 8/); // eight code points, four characters once composed
  });

  it("refuses one character repeated and straight runs, and nothing merely similar", () => {
    for (const weak of ["ñññññññññ", "        ", "\u0000".repeat(8), "lmnopqrstu", "zyxwvutsrq"]) {
      expect(reason(weak), JSON.stringify(weak)).toMatch(/repeated|straight run/);
    }
    expect(reason("ññññññññññb")).toBeUndefined();
    expect(reason("lmnopqrstv")).toBeUndefined();
  });

  it("accepts 64 and 1024 characters and refuses 1025", () => {
    expect(reason("x".repeat(30) + "y".repeat(34))).toBeUndefined();
    expect(reason("ab".repeat(512))).toBeUndefined();
    expect(reason(`${"ab".repeat(512)}c`)).toMatch(/at most 1024/);
  });

  it("has no composition rules", () => {
    expect(reason("lowercase only words here")).toBeUndefined();
    expect(reason("8162534970162534")).toBeUndefined();
  });

  it("refuses common passwords from the shipped list, in any case", () => {
    for (const common of ["password", "Password1", "12345678", "qwertyuiop", "iloveyou"]) {
      expect(reason(common), common).toMatch(/too common/);
    }
    expect(isCommonPassword("correct horse battery staple")).toBe(false);
  });

  it("ships at least 10,000 common passwords of policy length", async () => {
    const { readFileSync } = await import("node:fs");
    const list = readFileSync(
      new URL("../../src/passwords/common-passwords.txt", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter(Boolean);
    expect(list.length).toBeGreaterThan(10_000);
    expect(list.every((entry) => [...entry].length >= 8)).toBe(true);
  });
});
