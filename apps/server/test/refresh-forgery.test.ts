import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { forger } from "./support/forge.ts";
import { authCodeOf, signedUp, startTestServer } from "./support/test-server.ts";

/**
 * A refresh whose token hashes to the session's current one skips the
 * signature check (the hash proves the server signed those bytes). Every
 * other token must be verified before anything is decided on it: a forgery
 * that names a real session must neither rotate it nor revoke it as reuse.
 */
describe("forged refresh tokens naming a real session", () => {
  const attackerKey = generateKeyPairSync("ed25519").privateKey;

  it("the current token's claims under another key, with the server's kid → REFRESH_INVALID, the session untouched", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    const forge = forger(server, refreshToken);
    const forged = forge.signed(forge.header, forge.claims, attackerKey);
    expect(forged).not.toBe(refreshToken);

    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: forged }))).toBe(
      "REFRESH_INVALID",
    );
    // Not counted as reuse: the genuine token still rotates, and the session still works.
    const next = await client.api.auth.refresh.mutate({ refreshToken });
    client.accessToken = next.accessToken;
    expect((await client.api.user.me.query()).id).toBe(next.user.id);
  });

  it("a token of the session's chain that was never issued (new jti, attacker's key) → REFRESH_INVALID, not reuse", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    const forge = forger(server, refreshToken);
    const forged = forge.signed(
      forge.header,
      { ...forge.claims, jti: "x".repeat(43) },
      attackerKey,
    );

    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: forged }))).toBe(
      "REFRESH_INVALID",
    );
    expect((await client.api.user.me.query()).id).toBeDefined();
    expect((await client.api.auth.refresh.mutate({ refreshToken })).refreshToken).toBeDefined();
  });

  it("the current token's header and payload with its signature replaced → REFRESH_INVALID", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    const [header, payload, signature = ""] = refreshToken.split(".");
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    for (const tampered of [`${header}.${payload}.${flipped}`, `${header}.${payload}.`]) {
      expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken: tampered }))).toBe(
        "REFRESH_INVALID",
      );
    }
    expect((await client.api.auth.refresh.mutate({ refreshToken })).refreshToken).toBeDefined();
  });

  it("the current token after its session's idle limit → SESSION_EXPIRED, as a verified one would be", async () => {
    const server = await startTestServer();
    const { client, refreshToken } = await signedUp(server);
    server.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken }))).toBe(
      "SESSION_EXPIRED",
    );
  });
});
