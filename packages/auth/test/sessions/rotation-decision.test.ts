import { describe, expect, it } from "vitest";
import { decideRotation, type SessionRecord } from "../../src/index.ts";

const NOW = Date.UTC(2026, 11, 1);
const GRACE = 10_000;

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: "s",
    userId: "u",
    createdAt: NOW - 60_000,
    lastUsedAt: NOW - 2_000,
    idleExpiresAt: NOW + 60_000,
    absoluteExpiresAt: NOW + 120_000,
    revokedAt: null,
    revokeReason: null,
    userAgent: null,
    ip: null,
    dpopJkt: null,
    refreshHash: "h1",
    parentHash: "h0",
    rotatedAt: NOW - 2_000,
    parentSeal: "seal",
    rotatedBy: "me",
    amr: ["pwd"],
    ...overrides,
  };
}

describe("decideRotation (the rule every backend shares)", () => {
  it("the current token rotates", () => {
    expect(decideRotation(session(), "h1", NOW, GRACE, "anyone").kind).toBe("rotate");
  });

  it("the parent, in the window, from the rotating client: the same successor, expiring with the session's idle limit", () => {
    expect(decideRotation(session(), "h0", NOW, GRACE, "me")).toEqual({
      kind: "grace",
      sealedSuccessor: "seal",
      successorExpiresAt: NOW + 60_000,
    });
  });

  it.each([
    ["the parent from another client", session(), "h0", "thief"],
    ["the parent after the window", session({ rotatedAt: NOW - GRACE - 1 }), "h0", "me"],
    ["the parent once its seal is erased", session({ parentSeal: null }), "h0", "me"],
    ["an older token of the chain", session(), "h-older", "me"],
    [
      "any token of a session that never rotated but its first",
      session({ parentHash: null }),
      "h0",
      "me",
    ],
  ])("%s is reuse", (_, found, presented, binding) => {
    expect(decideRotation(found, presented, NOW, GRACE, binding).kind).toBe("reuse");
  });
});
