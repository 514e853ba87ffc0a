import { describe, expect, it } from "vitest";
import { PasswordHasher } from "../../src/index.ts";

const hasher = new PasswordHasher();

describe("argon2id password hashing", () => {
  it("uses argon2id with m=19456 KiB, t=2, p=1 and a unique salt each time", async () => {
    const [first, second] = await Promise.all([
      hasher.hash("same password"),
      hasher.hash("same password"),
    ]);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).not.toBe(second);
    expect(first.split("$")[4]).not.toBe(second.split("$")[4]);
  });

  it("never truncates: two 100-character passwords differing at character 80 differ", async () => {
    const base = "a".repeat(100);
    const other = `${base.slice(0, 79)}b${base.slice(80)}`;
    const hash = await hasher.hash(base);
    expect(await hasher.verify(hash, base)).toBe(true);
    expect(await hasher.verify(hash, other)).toBe(false);
  });

  it("normalizes Unicode so the same password typed two ways matches", async () => {
    const composed = "caf\u00e9 au lait!";
    const decomposed = "cafe\u0301 au lait!";
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
  });

  it("runs off the event loop: timers keep firing while hashes are computed", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await Promise.all([hasher.hash("one password"), hasher.hash("two password")]);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked loop would fire at most once; a free one fires a good fraction of every millisecond.
    expect(ticks).toBeGreaterThan(elapsed / 10);
  });

  it("answers false for a malformed stored hash instead of throwing", async () => {
    expect(await hasher.verify("not-a-hash", "whatever")).toBe(false);
  });
});
