import { describe, expect, it } from "vitest";
import type { PostgresStorage } from "../src/index.ts";
import { postgresql } from "./support/backends.ts";

/** SQLite has no key ring (its processes share the key file): this one is PostgreSQL's alone. */
describe("the PostgreSQL key ring", () => {
  it("is empty until written; a write is a compare-and-set on the version", async () => {
    const storage = (await postgresql.open()) as PostgresStorage;
    expect(await storage.keyRing.read()).toBeUndefined();
    expect(await storage.keyRing.write("first", 1)).toBe(false);
    expect(await storage.keyRing.write("first", 0)).toBe(true);
    expect(await storage.keyRing.read()).toEqual({ version: 1, sealed: "first" });
    expect(await storage.keyRing.write("stale", 0)).toBe(false);
    expect(await storage.keyRing.write("second", 1)).toBe(true);
    expect(await storage.keyRing.write("stale", 1)).toBe(false);
    expect(await storage.keyRing.read()).toEqual({ version: 2, sealed: "second" });
  });

  it("of nodes writing at once from the same version, exactly one wins, and its ring is the one kept", async () => {
    const first = await postgresql.open();
    const nodes = [
      first,
      ...(await Promise.all([1, 2, 3, 4].map(() => postgresql.openSecond(first)))),
    ];
    for (const expected of [0, 1]) {
      const wins = await Promise.all(
        nodes.map((node, i) => node.keyRing?.write(`ring ${expected}.${i}`, expected)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins.indexOf(true);
      expect(await nodes[2]?.keyRing?.read()).toEqual({
        version: expected + 1,
        sealed: `ring ${expected}.${winner}`,
      });
    }
  });
});
