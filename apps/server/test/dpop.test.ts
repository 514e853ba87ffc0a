import { describe, expect, it } from "vitest";
import { dpopClient } from "./support/dpop-client.ts";
import { cookieFrom, rawCall } from "./support/raw-call.ts";
import { PASSWORD, rowCount, startTestServer, uniqueEmail } from "./support/test-server.ts";

/** A native app that signs in with a DPoP proof: its refresh tokens are bound to its key. */
async function boundApp() {
  const server = await startTestServer();
  const app = await dpopClient();
  const origin = server.url;
  const signUp = await rawCall(
    server.url,
    "auth.register",
    { email: uniqueEmail(), password: PASSWORD, transport: "body" },
    { dpop: await app.proof(origin, "auth.register") },
  );
  expect(signUp.status).toBe(200);
  const refresh = async (refreshToken: string, proof?: string) =>
    rawCall(server.url, "auth.refresh", { refreshToken }, proof ? { dpop: proof } : {});
  return { server, app, origin, rt0: signUp.data.refreshToken as string, refresh };
}

describe("DPoP-bound refresh tokens (RFC 9449)", () => {
  it("a bound refresh token without a proof, or with another key's, is refused and changes nothing", async () => {
    const { server, app, origin, rt0, refresh } = await boundApp();
    expect((await refresh(rt0)).authCode).toBe("DPOP_INVALID");
    const thief = await dpopClient();
    const foreign = await refresh(rt0, await thief.proof(origin, "auth.refresh"));
    expect(foreign.status).toBe(401);
    expect(foreign.authCode).toBe("DPOP_INVALID");
    // Nothing was spent: the session never rotated, and the owner's proof rotates the same token.
    const rotations = () => server.queryValue("SELECT rotated_at FROM sessions");
    expect(await rotations()).toBeNull();
    const owned = await refresh(rt0, await app.proof(origin, "auth.refresh"));
    expect(owned.status).toBe(200);
    expect(await rotations()).not.toBeNull();
  });

  it("inside the grace window the thief's replay of the spent parent, from the same client binding, is refused without the key", async () => {
    const { app, origin, rt0, refresh } = await boundApp();
    const first = await refresh(rt0, await app.proof(origin, "auth.refresh"));
    expect(first.status).toBe(200);
    const replay = await refresh(rt0);
    expect(replay.authCode).toBe("DPOP_INVALID");
    expect(replay.data).toBeUndefined();
    // The owner's lost answer is still forgiven: the same successor, with a fresh proof.
    const again = await refresh(rt0, await app.proof(origin, "auth.refresh"));
    expect(again.data.refreshToken).toBe(first.data.refreshToken);
  });

  it("10 parallel refreshes, each with its own fresh proof, share one successor", async () => {
    const { app, origin, rt0, refresh } = await boundApp();
    const proofs = await Promise.all(
      Array.from({ length: 10 }, () => app.proof(origin, "auth.refresh")),
    );
    const results = await Promise.all(proofs.map((proof) => refresh(rt0, proof)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.data.refreshToken)).size).toBe(1);
  });

  it("a proof is good for one request: a replayed proof is refused", async () => {
    const { app, origin, rt0, refresh } = await boundApp();
    const proof = await app.proof(origin, "auth.refresh");
    const first = await refresh(rt0, proof);
    expect(first.status).toBe(200);
    expect((await refresh(first.data.refreshToken as string, proof)).authCode).toBe("DPOP_INVALID");
  });

  it("refuses proofs for another URL or method, stale or future ones, with a private key, or of another type", async () => {
    const { server, app, origin, rt0, refresh } = await boundApp();
    const now = Math.floor(server.clock.now() / 1000);
    const bad = [
      await app.proof(origin, "auth.login"),
      await app.proof("https://elsewhere.example", "auth.refresh"),
      await app.proof(origin, "auth.refresh", { claims: { htm: "GET" } }),
      await app.proof(origin, "auth.refresh", { claims: { iat: now - 120 } }),
      await app.proof(origin, "auth.refresh", { claims: { iat: now + 120 } }),
      await app.proof(origin, "auth.refresh", { claims: { jti: undefined } }),
      await app.proof(origin, "auth.refresh", { header: { jwk: app.privateJwk } }),
      await app.proof(origin, "auth.refresh", { header: { typ: "JWT" } }),
      "not.a.proof",
    ];
    for (const proof of bad) expect((await refresh(rt0, proof)).authCode).toBe("DPOP_INVALID");
    // None of them spent the token.
    expect((await refresh(rt0, await app.proof(origin, "auth.refresh"))).status).toBe(200);
  });

  it("a bad proof at sign-in is refused and starts no session; without one, tokens stay bearer", async () => {
    const server = await startTestServer();
    const refused = await rawCall(
      server.url,
      "auth.register",
      { email: uniqueEmail(), password: PASSWORD, transport: "body" },
      { dpop: "garbage" },
    );
    expect(refused.authCode).toBe("DPOP_INVALID");
    expect(await rowCount(server, "sessions")).toBe(0);

    const bearer = await rawCall(server.url, "auth.register", {
      email: uniqueEmail(),
      password: PASSWORD,
      transport: "body",
    });
    const rotated = await rawCall(server.url, "auth.refresh", {
      refreshToken: bearer.data.refreshToken,
    });
    expect(rotated.status).toBe(200);
  });

  it("binds a browser's cookie session too: the stolen cookie alone is refused", async () => {
    const server = await startTestServer();
    const browser = await dpopClient();
    const email = uniqueEmail();
    await rawCall(server.url, "auth.register", { email, password: PASSWORD, transport: "body" });
    const login = await rawCall(
      server.url,
      "auth.login",
      { email, password: PASSWORD },
      { dpop: await browser.proof(server.url, "auth.login"), origin: server.url },
    );
    const cookie = cookieFrom(login.setCookies, "sesame_refresh") as string;
    const stolen = await rawCall(server.url, "auth.refresh", {}, { cookie, origin: server.url });
    expect(stolen.authCode).toBe("DPOP_INVALID");
    // A DPoP refusal leaves the cookie in place: the browser with its key carries on.
    expect(cookieFrom(stolen.setCookies, "sesame_refresh")).toBeUndefined();
    expect(stolen.setCookies.some((c) => c.startsWith("sesame_refresh=;"))).toBe(false);
    const owner = await rawCall(
      server.url,
      "auth.refresh",
      {},
      { cookie, origin: server.url, dpop: await browser.proof(server.url, "auth.refresh") },
    );
    expect(owner.status).toBe(200);
  });
});
