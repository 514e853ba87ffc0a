import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DeviceTokens } from "../../src/index.ts";

describe("device tokens", () => {
  const devices = new DeviceTokens(randomBytes(32));

  it("name the account they were issued for, and a device id unique to each", () => {
    const a = devices.issue("user-1");
    const b = devices.issue("user-1");
    expect(devices.deviceOf(a, "user-1")).toBeDefined();
    expect(devices.deviceOf(a, "user-1")).not.toBe(devices.deviceOf(b, "user-1"));
  });

  it("count for nothing for another account, altered, or under another server secret", () => {
    const token = devices.issue("user-1");
    expect(devices.deviceOf(token, "user-2")).toBeUndefined();
    expect(devices.deviceOf(token.replace("user-1", "user-2"), "user-2")).toBeUndefined();
    // Another last character of the MAC, whatever the current one is.
    const altered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect(devices.deviceOf(altered, "user-1")).toBeUndefined();
    expect(new DeviceTokens(randomBytes(32)).deviceOf(token, "user-1")).toBeUndefined();
    expect(devices.deviceOf(undefined, "user-1")).toBeUndefined();
    expect(devices.deviceOf("x".repeat(300), "user-1")).toBeUndefined();
  });
});
