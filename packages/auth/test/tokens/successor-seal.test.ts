import { describe, expect, it } from "vitest";
import { openSuccessor, sealSuccessor } from "../../src/index.ts";

describe("sealing a refresh token's successor under its parent", () => {
  it("opens only with the parent it was sealed for", () => {
    const sealed = sealSuccessor("parent-token", "successor-token");
    expect(sealed).not.toContain("successor");
    expect(openSuccessor("parent-token", sealed)).toBe("successor-token");
    expect(openSuccessor("another-token", sealed)).toBeUndefined();
  });

  it("detects tampering", () => {
    const sealed = Buffer.from(sealSuccessor("parent", "successor"), "base64url");
    sealed[14] = (sealed[14] ?? 0) ^ 1;
    expect(openSuccessor("parent", sealed.toString("base64url"))).toBeUndefined();
    expect(openSuccessor("parent", "short")).toBeUndefined();
  });

  it("uses a fresh IV each time", () => {
    expect(sealSuccessor("p", "s")).not.toBe(sealSuccessor("p", "s"));
  });
});
