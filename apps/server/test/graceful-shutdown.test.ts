import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnSesame } from "./support/server-process.ts";
import { PASSWORD } from "./support/test-server.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("SIGTERM (a rolling restart)", () => {
  it("lets the requests in flight finish, then exits 0; what they wrote is there after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sesame-shutdown-"));
    dirs.push(dir);
    const env = {
      PORT: "0",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
    };
    const sesame = await spawnSesame(env);
    // Sign-ups hash a password each: 20 of them keep the server busy for a while.
    const emails = Array.from({ length: 20 }, (_, i) => `drain${i}@example.com`);
    const inFlight = emails.map((email) =>
      fetch(`${sesame.url}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD, transport: "body" }),
      }).then((response) => response.status),
    );
    // Once the first answer is back, every request has reached the server and most are still running
    // (each hashes a password on a pool of two threads): signal then, not after a guessed delay.
    await Promise.race(inFlight);
    const exited = sesame.stop("SIGTERM");
    expect(await Promise.all(inFlight)).toEqual(Array(20).fill(200));
    expect(await exited).toBe(0);

    // Every acknowledged sign-up survived: each email is taken now.
    const again = await spawnSesame(env);
    for (const email of emails) {
      const response = await fetch(`${again.url}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD, transport: "body" }),
      });
      expect(response.status).toBe(409);
    }
  });
});
