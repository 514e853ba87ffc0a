import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describeCall, lostWrites, Rotation, runLoad } from "./support/node-load.ts";
import { type SesameProcess, spawnSesame } from "./support/server-process.ts";

/**
 * Two Sesame processes on one SQLite file (one machine, two processes behind
 * one public URL): one of them dying by kill -9 mid-write must lose nothing
 * the servers acknowledged — an answer is sent only after its commit — and
 * must leave the file usable by the survivor (no lock left held, no torn
 * transaction).
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("kill -9 of one of two processes on one SQLite file", () => {
  it("under load loses no acknowledged write, and the other process keeps answering", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sesame-kill9-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      PORT: "0",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      PUBLIC_URL: "https://id.example.com",
      LOG_LEVEL: "silent",
      // Every call comes from 127.0.0.1: budgets the load never comes near.
      RATE_LIMIT_SIGN_IN: "1000000",
      RATE_LIMIT_REFRESH: "1000000",
      // Long enough that a refresh whose answer was lost can still be retried when the test checks.
      REFRESH_REUSE_GRACE: "120",
    };
    const started: SesameProcess[] = [];
    cleanups.push(async () => {
      for (const node of started) await node.stop();
    });
    // One after the other: the first writes the key file and server secret the second reads.
    for (let i = 0; i < 2; i++) started.push(await spawnSesame(env));
    const [a, b] = started as [SesameProcess, SesameProcess];

    const rotation = new Rotation({ A: a.url, B: b.url });
    let killedAt = 0;
    const ledger = await runLoad({
      rotation,
      workers: 3,
      minMs: 2_500,
      during: async () => {
        await sleep(1_200);
        killedAt = Date.now();
        const killed = b.kill9();
        // Taken out at once, as a load balancer's health check would: only B's calls in flight may fail.
        rotation.remove("B");
        await killed;
      },
    });

    const onA = ledger.calls.filter((sent) => sent.node === "A");
    expect(onA.filter((sent) => sent.answer.status !== 200).map(describeCall)).toEqual([]);
    expect(onA.filter((sent) => sent.sentAt > killedAt).length).toBeGreaterThan(5);
    const onB = ledger.calls.filter((sent) => sent.node === "B");
    expect(onB.filter((sent) => sent.sentAt < killedAt).length).toBeGreaterThan(0);
    // B's failures are calls in flight when it died, cut with no answer: never an error it sent.
    for (const sent of onB.filter((sent) => sent.answer.status !== 200)) {
      expect(sent.sentAt, describeCall(sent)).toBeLessThanOrEqual(killedAt);
      expect(sent.answeredAt, describeCall(sent)).toBeGreaterThanOrEqual(killedAt);
      expect(sent.answer.status, describeCall(sent)).toBe(0);
    }
    expect(ledger.registered.length).toBeGreaterThan(5);
    expect(ledger.rotations).toBeGreaterThan(5);
    expect(ledger.ended.length).toBeGreaterThan(2);

    expect(await lostWrites(a.url, ledger)).toEqual([]);
    // And from a fresh process, reading the file from disk rather than A's memory.
    const c = await spawnSesame(env);
    started.push(c);
    expect(await lostWrites(c.url, ledger)).toEqual([]);
  });
});
