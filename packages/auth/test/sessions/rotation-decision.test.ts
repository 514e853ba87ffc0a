import { describe, expect, it } from "vitest";
import {
  decideRotation,
  type RefreshTokenLookup,
  type RefreshTokenState,
} from "../../src/index.ts";

const NOW = Date.UTC(2026, 11, 1);
const GRACE = 10_000;

function token(overrides: Partial<RefreshTokenState> = {}): RefreshTokenState {
  return {
    tokenHash: "h0",
    sessionId: "s",
    parentHash: null,
    issuedAt: NOW - 60_000,
    expiresAt: NOW + 60_000,
    usedAt: null,
    replacedByHash: null,
    successorSealed: null,
    rotatedBy: null,
    ...overrides,
  };
}

function lookup(presented: RefreshTokenState, successor?: RefreshTokenState): RefreshTokenLookup {
  return { token: presented, successor, session: {} as RefreshTokenLookup["session"] };
}

const spentParent = token({
  usedAt: NOW - 2_000,
  replacedByHash: "h1",
  successorSealed: "seal",
  rotatedBy: "me",
});
const liveChild = token({ tokenHash: "h1", parentHash: "h0" });

describe("decideRotation (the rule every backend shares)", () => {
  it("an unused token rotates", () => {
    expect(decideRotation(lookup(token()), NOW, GRACE, "me").kind).toBe("rotate");
  });

  it("the spent parent of an unused successor, in the window, from the rotating client: the same successor", () => {
    expect(decideRotation(lookup(spentParent, liveChild), NOW, GRACE, "me")).toEqual({
      kind: "grace",
      sealedSuccessor: "seal",
      successorExpiresAt: liveChild.expiresAt,
    });
  });

  it.each([
    ["from another client", lookup(spentParent, liveChild), "thief"],
    ["after the window", lookup({ ...spentParent, usedAt: NOW - GRACE - 1 }, liveChild), "me"],
    [
      "once the successor is spent too",
      lookup(spentParent, { ...liveChild, usedAt: NOW - 1 }),
      "me",
    ],
    ["once its seal is erased", lookup({ ...spentParent, successorSealed: null }, liveChild), "me"],
    ["with no successor on record", lookup(spentParent), "me"],
  ])("a spent token %s is reuse", (_, found, binding) => {
    expect(decideRotation(found, NOW, GRACE, binding).kind).toBe("reuse");
  });
});
