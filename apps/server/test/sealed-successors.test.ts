import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { hashToken, SuccessorSeal } from "@sesame/auth";
import { openDatabase, type SqliteDatabase } from "@sesame/db";
import { describe, expect, it, vi } from "vitest";
import { rawCall } from "./support/raw-call.ts";
import { PASSWORD, startTestServer, type TestServer, uniqueEmail } from "./support/test-server.ts";

/** Every refresh token of a session, rotated `rotations` times with the body transport. */
async function chainOf(rotations: number) {
  const server = await startTestServer();
  const signUp = await rawCall(server.url, "auth.register", {
    email: uniqueEmail(),
    password: PASSWORD,
    transport: "body",
  });
  const tokens = [signUp.data.refreshToken as string];
  for (let i = 0; i < rotations; i++) {
    const next = await rawCall(server.url, "auth.refresh", { refreshToken: tokens.at(-1) });
    tokens.push(next.data.refreshToken as string);
  }
  return { server, tokens };
}

/** A copy of the server's database, as a thief with a backup would hold it. */
function copyOf(server: TestServer): SqliteDatabase {
  const copy = join(server.dir, "stolen.db");
  server.storage.sqlite.pragma("wal_checkpoint(FULL)");
  copyFileSync(join(server.dir, "sesame.db"), copy);
  if (existsSync(join(server.dir, "sesame.db-wal"))) {
    copyFileSync(join(server.dir, "sesame.db-wal"), `${copy}-wal`);
  }
  return openDatabase(copy);
}

const sealOf = (db: SqliteDatabase, token: string) =>
  db
    .prepare("SELECT successor_sealed FROM refresh_tokens WHERE token_hash = ?")
    .pluck()
    .get(hashToken(token)) as string | null;

describe("sealed successors (the grace window's same-successor answer)", () => {
  it("only the newest spent token holds a seal: a rotation erases its parent's at once", async () => {
    const { server, tokens } = await chainOf(5);
    const db = copyOf(server);
    const seals = tokens.map((token) => sealOf(db, token));
    // Tokens 0..3 are spent with spent successors; 4 is the live one's parent; 5 is current.
    expect(seals.slice(0, 4)).toEqual([null, null, null, null]);
    expect(seals[4]).not.toBeNull();
    expect(seals[5]).toBeNull();
    db.close();
  });

  it("a database copy plus the first refresh token recovers nothing: the last seal is swept after the window", async () => {
    const { server, tokens } = await chainOf(5);
    server.clock.advance(11_000);
    // The server sweeps by itself every few seconds.
    await vi.waitFor(
      () => {
        const left = server.storage.sqlite
          .prepare("SELECT count(*) FROM refresh_tokens WHERE successor_sealed IS NOT NULL")
          .pluck()
          .get();
        expect(left).toBe(0);
      },
      { timeout: 8_000, interval: 250 },
    );
    const db = copyOf(server);
    expect(tokens.map((token) => sealOf(db, token))).toEqual(Array(6).fill(null));
    db.close();
  });

  it("inside the window, the live seal does not open with the parent token alone (it needs the server secret)", async () => {
    const { server, tokens } = await chainOf(1);
    const db = copyOf(server);
    const seal = sealOf(db, tokens[0] as string) as string;
    expect(seal).not.toBeNull();
    // The thief knows the algorithm, not the secret, which lives outside the database.
    const guess = new SuccessorSeal(Buffer.alloc(32));
    expect(guess.open(tokens[0] as string, seal)).toBeUndefined();
    expect(JSON.stringify(db.prepare("SELECT * FROM refresh_tokens").all())).not.toContain(
      tokens[1],
    );
    db.close();
  });
});
