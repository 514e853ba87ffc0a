import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keysCli, spawnNotes, spawnSesame } from "./support/processes.ts";
import { addNote, headerOf, login, notes, register } from "./support/sesame.ts";

/**
 * The deployment the verifier is for: Sesame and the notes service are
 * separate OS processes (and the test a third) that share nothing but HTTP.
 */
describe("Sesame and the notes service as separate processes", { timeout: 120_000 }, () => {
  it("a Sesame token opens the notes, and a key rotation is followed without restarting either", async () => {
    const sesame = await spawnSesame();
    const service = await spawnNotes(sesame.issuer);
    expect(sesame.pid).not.toBe(service.pid);
    expect(sesame.pid).not.toBe(process.pid);

    const before = await register(sesame.url);
    expect((await addNote(service.url, before.accessToken, "from another process")).status).toBe(
      201,
    );
    expect((await notes(service.url, before.accessToken)).body).toMatchObject({
      owner: before.user.id,
      notes: [{ text: "from another process" }],
    });

    const oldKid = headerOf(before.accessToken).kid;
    await keysCli(["rotate", "--force"], sesame.keysFile);
    let after = await login(sesame.url, before.user.email);
    const deadline = Date.now() + 15_000;
    while (headerOf(after.accessToken).kid === oldKid && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await login(sesame.url, before.user.email);
    }
    expect(headerOf(after.accessToken).kid).not.toBe(oldKid);

    // The new key was published as `next` before it signed: the service knows it already.
    expect((await notes(service.url, after.accessToken)).status).toBe(200);
    // Tokens from before the rotation keep working: the old key is retired, not gone.
    expect((await notes(service.url, before.accessToken)).status).toBe(200);

    const [, payload, signature] = after.accessToken.split(".") as [string, string, string];
    const strangerHeader = {
      ...headerOf(after.accessToken),
      kid: randomBytes(16).toString("base64url"),
    };
    const stranger = `${Buffer.from(JSON.stringify(strangerHeader)).toString("base64url")}.${payload}.${signature}`;
    expect((await notes(service.url, stranger)).status).toBe(401);
  });
});
