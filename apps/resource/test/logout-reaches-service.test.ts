import { describe, expect, it } from "vitest";
import { startCountingProxy } from "./support/counting-proxy.ts";
import { spawnNotes, spawnSesame } from "./support/processes.ts";
import { notes, register, sesameMe } from "./support/sesame.ts";

const RECEIVER = { id: "notes", secret: "notes-receiver-secret-0123456789abcdef" };
const POLL_PATH = "/auth/events/poll";

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The issue, as a new user would meet it: log out at Sesame, and the team's
 * own service — another OS process, sharing nothing with Sesame but HTTP —
 * refuses the token within about a second, without asking Sesame about it.
 * A counting proxy in front of Sesame (its PUBLIC_URL) sees every request
 * the notes service makes to Sesame.
 */
describe("a logout at Sesame reaches another service", { timeout: 120_000 }, () => {
  it("refuses the logged-out session's token within a second, with no call to Sesame per request", async () => {
    const proxy = await startCountingProxy();
    const sesame = await spawnSesame({
      PUBLIC_URL: proxy.url,
      SECURITY_EVENT_RECEIVERS: JSON.stringify([RECEIVER]),
    });
    proxy.target = sesame.url;
    const service = await spawnNotes(proxy.url, {
      SESAME_RECEIVER_ID: RECEIVER.id,
      SESAME_RECEIVER_SECRET: RECEIVER.secret,
    });

    const ann = await register(sesame.url);
    const bob = await register(sesame.url);
    expect((await notes(service.url, ann.accessToken)).status).toBe(200);
    // Steady state: the service's long poll is held open at Sesame.
    await until(() => proxy.open() === 1 && proxy.paths.includes(POLL_PATH), 10_000);

    const before = proxy.paths.length;
    for (let i = 0; i < 50; i += 1) {
      expect((await notes(service.url, ann.accessToken)).status).toBe(200);
      expect((await notes(service.url, bob.accessToken)).status).toBe(200);
    }
    // A hundred verifications, not one request to Sesame.
    expect(proxy.paths.slice(before)).toEqual([]);

    const logout = await fetch(`${sesame.url}/trpc/auth.logout`, {
      method: "POST",
      headers: { authorization: `Bearer ${ann.accessToken}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(logout.status).toBe(200);
    const loggedOutAt = Date.now();
    expect(await sesameMe(sesame.url, ann.accessToken)).toEqual({
      status: 401,
      authCode: "SESSION_REVOKED",
    });
    await until(async () => (await notes(service.url, ann.accessToken)).status === 401, 5_000);
    const delayMs = Date.now() - loggedOutAt;
    console.info(`Logout at Sesame to refusal at the notes service: ${delayMs} ms`);
    expect(delayMs).toBeLessThan(1_000);

    const refused = await notes(service.url, ann.accessToken);
    expect(refused.body).toEqual({ error: "SESSION_REVOKED" });
    expect(refused.challenge).toContain('error="invalid_token"');
    // Only Ann's session ended: Bob's token still opens his notes.
    expect((await notes(service.url, bob.accessToken)).status).toBe(200);

    // All the service ever asked Sesame: discovery, the keys once, and its polls.
    const asked = new Set(proxy.paths);
    expect([...asked].sort()).toEqual(
      ["/.well-known/jwks.json", "/.well-known/openid-configuration", POLL_PATH].sort(),
    );
    expect(proxy.paths.filter((path) => path === "/.well-known/jwks.json")).toHaveLength(1);
  });
});
