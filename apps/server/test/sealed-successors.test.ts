import { hashToken, SuccessorSeal } from "@sesame/auth";
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

/** Everything the database holds of sessions, as text. */
const sessionTables = async (server: TestServer) =>
  JSON.stringify([
    await server.query("SELECT * FROM sessions"),
    await server.query("SELECT * FROM session_seals"),
  ]);

/** Every seal in the database, by the hash of the parent it was sealed for: what a copy of it holds. */
const sealsIn = (server: TestServer) =>
  server.query<{ parent: string; seal: string }>(
    "SELECT s.parent_hash AS parent, ss.seal FROM session_seals ss JOIN sessions s ON s.id = ss.session_id",
  );

describe("sealed successors (the grace window's same-successor answer)", () => {
  it("only the newest spent token has a seal: a rotation replaces its parent's", async () => {
    const { server, tokens } = await chainOf(5);
    expect(await sealsIn(server)).toEqual([
      { parent: hashToken(tokens[4] as string), seal: expect.any(String) },
    ]);
  });

  it("a database copy plus the first refresh token recovers nothing: the last seal is swept after the window", async () => {
    const { server, tokens } = await chainOf(5);
    server.clock.advance(11_000);
    // The server sweeps by itself every few seconds.
    await vi.waitFor(async () => expect(await sealsIn(server)).toEqual([]), {
      timeout: 8_000,
      interval: 250,
    });
    const everything = await sessionTables(server);
    for (const token of tokens) expect(everything).not.toContain(token);
  });

  it("inside the window, the live seal does not open with the parent token alone (it needs the server secret)", async () => {
    const { server, tokens } = await chainOf(1);
    const [{ seal } = { seal: "" }] = await sealsIn(server);
    expect(seal).not.toBe("");
    // The thief knows the algorithm, not the secret, which lives outside the database.
    const guess = new SuccessorSeal(Buffer.alloc(32));
    expect(guess.open(tokens[0] as string, seal)).toBeUndefined();
    expect(await sessionTables(server)).not.toContain(tokens[1]);
  });
});
