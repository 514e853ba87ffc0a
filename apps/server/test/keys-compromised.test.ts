import { join } from "node:path";
import { AUTH_DEFAULTS, retiredKeyRetention, rotateKeySet } from "@sesame/auth";
import { readKeyFile, writeKeyFile } from "@sesame/trpc/keys";
import { describe, expect, it } from "vitest";
import { authCodeOf, signedUp, startTestServer } from "./support/test-server.ts";

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;

describe("removing a compromised key", () => {
  it("stops every token it signed at once, even tokens already in the verified-token cache", async () => {
    const server = await startTestServer();
    const file = join(server.dir, "keys.json");
    const { client, result, refreshToken } = await signedUp(server);
    const compromised = kidOf(result.accessToken);
    // Verified once, so the server now answers this token from its cache.
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    const rotation = await rotateKeySet(readKeyFile(file), {
      now: server.clock.now(),
      alg: "EdDSA",
      retentionSeconds: retiredKeyRetention(AUTH_DEFAULTS),
      force: true,
    });
    writeKeyFile(file, rotation.keys);
    expect(await server.keys.reloadIfChanged()).toBe(true);
    // Retired, the key is still trusted: nobody is logged out by a rotation.
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    writeKeyFile(
      file,
      rotation.keys.filter((key) => key.kid !== compromised),
    );
    expect(await server.keys.reloadIfChanged()).toBe(true);
    expect(server.keys.current().kids()).not.toContain(compromised);
    expect(await authCodeOf(client.api.user.me.query())).toBe("TOKEN_INVALID");
    expect(await authCodeOf(client.api.auth.refresh.mutate({ refreshToken }))).toBe(
      "REFRESH_INVALID",
    );
    const { keys } = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    expect(keys.map((k: { kid: string }) => k.kid)).not.toContain(compromised);
  });
});
