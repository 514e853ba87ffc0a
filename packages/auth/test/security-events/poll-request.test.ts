import { describe, expect, it } from "vitest";
import { parsePollRequest } from "../../src/index.ts";

describe("parsing an RFC 8936 poll request", () => {
  it("accepts the RFC's members and ignores ones it does not know", () => {
    const body = {
      ack: ["a", "b"],
      setErrs: { c: { err: "invalid_key", description: "unknown kid" } },
      maxEvents: 10,
      returnImmediately: false,
      someExtension: true,
    };
    expect(parsePollRequest(body, "replica-1")).toEqual({
      ok: true,
      request: {
        ack: ["a", "b"],
        setErrs: { c: { err: "invalid_key", description: "unknown kid" } },
        maxEvents: 10,
        returnImmediately: false,
      },
      instance: "replica-1",
    });
    expect(parsePollRequest({}, undefined)).toEqual({ ok: true, request: {}, instance: "" });
  });

  it.each([
    ["a body that is no object", "ack"],
    ["ack that is no list", { ack: "a" }],
    ["an empty jti", { ack: [""] }],
    ["too many acks", { ack: Array.from({ length: 1001 }, (_, i) => `j${i}`) }],
    ["a negative maxEvents", { maxEvents: -1 }],
    ["a fractional maxEvents", { maxEvents: 1.5 }],
    ["a string returnImmediately", { returnImmediately: "yes" }],
    ["a setErr without err", { setErrs: { a: { description: "x" } } }],
  ])("refuses %s with a description", (_name, body) => {
    const result = parsePollRequest(body, undefined);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.description).not.toBe("");
  });

  it("refuses a receiver instance that is not a short plain id", () => {
    expect(parsePollRequest({}, "../etc").ok).toBe(false);
    expect(parsePollRequest({}, "x".repeat(65)).ok).toBe(false);
  });
});
