import { describe, expect, it } from "vitest";
import { recoveryCodesFile, recoveryCodesFileName } from "./recovery-codes-file.ts";

const MADE = new Date(2026, 11, 2, 9, 30);

describe("recoveryCodesFile", () => {
  it("names the account and says how the codes work, then lists them one a line", () => {
    const text = recoveryCodesFile(["4f7k-2m9q-x3ab", "9zzt-kk2p-1e0w"], "ada@example.com", MADE);

    expect(text.split("\n")).toEqual([
      "Sesame recovery codes for ada@example.com",
      "Made on December 2, 2026. Each code logs you in once, in place of a code from your authenticator app.",
      "Making new recovery codes voids these. Keep this file somewhere only you can reach.",
      "",
      "4f7k-2m9q-x3ab",
      "9zzt-kk2p-1e0w",
      "",
    ]);
  });

  it("is named after the day the set was made", () => {
    expect(recoveryCodesFileName(MADE)).toBe("sesame-recovery-codes-2026-12-02.txt");
  });
});
