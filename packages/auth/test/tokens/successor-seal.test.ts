import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SuccessorSeal } from "../../src/index.ts";

describe("successor seal", () => {
  const seal = new SuccessorSeal(randomBytes(32));

  it("opens only for the parent it was sealed for", () => {
    const sealed = seal.seal("parent-token", "successor-token");
    expect(seal.open("parent-token", sealed)).toBe("successor-token");
    expect(seal.open("another-token", sealed)).toBeUndefined();
  });

  it("needs the server secret: the parent token and the database alone open nothing", () => {
    const sealed = seal.seal("parent-token", "successor-token");
    expect(new SuccessorSeal(randomBytes(32)).open("parent-token", sealed)).toBeUndefined();
  });

  it("refuses tampered or truncated seals", () => {
    const sealed = Buffer.from(seal.seal("parent", "successor"), "base64url");
    sealed[14] = (sealed[14] ?? 0) ^ 1;
    expect(seal.open("parent", sealed.toString("base64url"))).toBeUndefined();
    expect(seal.open("parent", "short")).toBeUndefined();
  });

  it("uses a fresh IV each time", () => {
    expect(seal.seal("p", "s")).not.toBe(seal.seal("p", "s"));
  });
});
