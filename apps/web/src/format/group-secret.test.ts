import { describe, expect, it } from "vitest";
import { groupSecret } from "./group-secret.ts";

describe("groupSecret", () => {
  it("splits a 160-bit base32 secret into eight groups of four", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).toBe(
      "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP",
    );
  });

  it("leaves a short last group as it is, and ignores spaces already there", () => {
    expect(groupSecret("ABCDEFGHIJ")).toBe("ABCD EFGH IJ");
    expect(groupSecret("AB CD EF")).toBe("ABCD EF");
    expect(groupSecret("")).toBe("");
  });
});
