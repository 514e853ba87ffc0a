import { describe, expect, it } from "vitest";
import { ipBucket } from "../../src/throttle/ip-bucket.ts";

describe("ipBucket: the key per-IP limits count under", () => {
  it("an IPv4 address is its own bucket", () => {
    expect(ipBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(ipBucket("203.0.113.8")).toBe("203.0.113.8");
  });

  it("an IPv4-mapped IPv6 address is the IPv4 address, in either spelling", () => {
    expect(ipBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(ipBucket("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(ipBucket("0:0:0:0:0:ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("every address of one /64 is one bucket: its prefix, written canonically", () => {
    const bucket = "2001:db8:1:2::/64";
    for (const address of [
      "2001:db8:1:2::1",
      "2001:db8:1:2:ffff:ffff:ffff:ffff",
      "2001:0DB8:0001:0002:1234:5678:9abc:def0",
      "2001:db8:1:2:0:0:0:0",
      "2001:db8:1:2::203.0.113.7",
    ]) {
      expect(ipBucket(address), address).toBe(bucket);
    }
  });

  it("addresses in different /64s are different buckets", () => {
    expect(ipBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(ipBucket("2001:db8:1:2::1")).not.toBe(ipBucket("2001:db8:1:3::1"));
  });

  it("compresses the longest run of zero groups, wherever it is", () => {
    expect(ipBucket("2001:db8::1")).toBe("2001:db8::/64");
    expect(ipBucket("2001:0:0:5::1")).toBe("2001:0:0:5::/64");
    expect(ipBucket("::1")).toBe("::/64");
    expect(ipBucket("::")).toBe("::/64");
    expect(ipBucket("0:0:1:2::9")).toBe("0:0:1:2::/64");
  });

  it("ignores a zone id and the case of hex digits", () => {
    expect(ipBucket("fe80::1%eth0")).toBe("fe80::/64");
    expect(ipBucket("FE80::ABCD:1%25")).toBe("fe80::/64");
    expect(ipBucket("::ffff:203.0.113.7%eth0")).toBe("203.0.113.7");
  });

  it("returns anything it cannot parse unchanged", () => {
    for (const value of [
      "unknown",
      "",
      "[2001:db8::1]",
      "2001:db8::1::2",
      "203.0.113",
      "1.2.3.4%x",
    ]) {
      expect(ipBucket(value), value).toBe(value);
    }
  });
});
