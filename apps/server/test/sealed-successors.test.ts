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

/** Every seal in the database, by the hash of the parent it was sealed for. */
const sealsIn = (db: SqliteDatabase) =>
  db
    .prepare(
      "SELECT parent_hash AS parent, parent_seal AS seal FROM sessions WHERE parent_seal IS NOT NULL",
    )
    .all() as Array<{ parent: string; seal: string }>;

describe("sealed successors (the grace window's same-successor answer)", () => {
  it("only the newest spent token has a seal: a rotation replaces its parent's", async () => {
    const { server, tokens } = await chainOf(5);
    const db = copyOf(server);
    expect(sealsIn(db)).toEqual([
      { parent: hashToken(tokens[4] as string), seal: expect.any(String) },
    ]);
    db.close();
  });

  it("a database copy plus the first refresh token recovers nothing: the last seal is swept after the window", async () => {
    const { server, tokens } = await chainOf(5);
    server.clock.advance(11_000);
    // The server sweeps by itself every few seconds.
    await vi.waitFor(() => expect(sealsIn(server.storage.sqlite)).toEqual([]), {
      timeout: 8_000,
      interval: 250,
    });
    const db = copyOf(server);
    expect(sealsIn(db)).toEqual([]);
    expect(tokens).toHaveLength(6);
    db.close();
  });

  it("inside the window, the live seal does not open with the parent token alone (it needs the server secret)", async () => {
    const { server, tokens } = await chainOf(1);
    const db = copyOf(server);
    const [{ seal } = { seal: "" }] = sealsIn(db);
    expect(seal).not.toBe("");
    // The thief knows the algorithm, not the secret, which lives outside the database.
    const guess = new SuccessorSeal(Buffer.alloc(32));
    expect(guess.open(tokens[0] as string, seal)).toBeUndefined();
    expect(JSON.stringify(db.prepare("SELECT * FROM sessions").all())).not.toContain(tokens[1]);
    db.close();
  });
});
