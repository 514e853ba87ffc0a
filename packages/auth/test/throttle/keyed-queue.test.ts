import { describe, expect, it } from "vitest";
import { KeyedQueue } from "../../src/throttle/keyed-queue.ts";

describe("KeyedQueue", () => {
  it("lets one holder per key in at a time, in arrival order, and other keys through at once", async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const releaseA1 = await queue.acquire("a");
    const a2 = queue.acquire("a").then((release) => {
      order.push("a2");
      return release;
    });
    const releaseB = await queue.acquire("b");
    order.push("b");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(["b"]);
    releaseA1();
    (await a2)();
    releaseB();
    expect(order).toEqual(["b", "a2"]);
  });

  it("forgets keys nobody holds", async () => {
    const queue = new KeyedQueue();
    (await queue.acquire("a"))();
    expect((queue as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });
});
