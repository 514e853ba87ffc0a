import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AUTH_DEFAULTS, JWKS_CACHE_CONTROL, retiredKeyRetention, rotateKeySet } from "@sesame/auth";
import { readKeyFile, writeKeyFile } from "@sesame/trpc/keys";
import { describe, expect, it } from "vitest";
import { authCodeOf, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;

async function getJwks(server: TestServer) {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  const text = await response.text();
  return { response, text, keys: (JSON.parse(text) as { keys: Record<string, unknown>[] }).keys };
}

/** Every private value in the key file, so the test can show none of them is ever served. */
function privateValues(server: TestServer): string[] {
  const file = JSON.parse(readFileSync(join(server.dir, "keys.json"), "utf8"));
  return file.keys.flatMap((key: { privateJwk: Record<string, unknown> }) =>
    PRIVATE_MEMBERS.map((member) => key.privateJwk[member]).filter((v) => typeof v === "string"),
  );
}

describe("GET /.well-known/jwks.json", () => {
  it.each(["EdDSA", "ES256", "RS256"] as const)(
    "publishes the %s current and next public keys with kid, alg and use — and nothing private",
    async (alg) => {
      const server = await startTestServer({ SIGNING_ALG: alg });
      const { response, text, keys } = await getJwks(server);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe(JWKS_CACHE_CONTROL);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");

      const ring = server.keys.current();
      expect(keys.map((key) => key.kid)).toEqual(ring.kids());
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatchObject({ alg, use: "sig" });
        expect(key.kty).toBe({ EdDSA: "OKP", ES256: "EC", RS256: "RSA" }[alg]);
        for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      }
      const secrets = privateValues(server);
      expect(secrets.length).toBeGreaterThanOrEqual(2);
      for (const secret of secrets) expect(text).not.toContain(secret);

      const { result } = await signedUp(server);
      expect(kidOf(result.accessToken)).toBe(ring.signingKey().kid);
    },
  );

  it("publishes nothing for HS256: a shared secret is never served", async () => {
    const server = await startTestServer({ SIGNING_ALG: "HS256" });
    const { text, keys } = await getJwks(server);
    expect(keys).toEqual([]);
    for (const secret of privateValues(server)) expect(text).not.toContain(secret);
    const { client } = await signedUp(server);
    expect((await client.api.user.me.query()).role).toBe("user");
  });

  it("keeps a retired key published until its retention ends, then drops it", async () => {
    const server = await startTestServer();
    const { client, result } = await signedUp(server);
    const file = join(server.dir, "keys.json");
    const retention = retiredKeyRetention(AUTH_DEFAULTS);
    const oldKid = kidOf(result.accessToken);

    const rotation = await rotateKeySet(readKeyFile(file), {
      now: server.clock.now(),
      alg: "EdDSA",
      retentionSeconds: retention,
      force: true,
    });
    writeKeyFile(file, rotation.keys);
    expect(await server.keys.reloadIfChanged()).toBe(true);
    expect((await getJwks(server)).keys.map((k) => k.kid)).toContain(oldKid);
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    server.clock.advance(retention * 1000 - 1);
    expect(await server.keys.reloadIfChanged()).toBe(false);
    expect((await getJwks(server)).keys.map((k) => k.kid)).toContain(oldKid);

    server.clock.advance(1);
    expect(await server.keys.reloadIfChanged()).toBe(true);
    const { keys } = await getJwks(server);
    expect(keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(keys.map((k) => k.kid)).toEqual(server.keys.current().kids());
    // Its tokens are long expired anyway; now they are also unverifiable.
    expect(await authCodeOf(client.api.user.me.query())).toBe("TOKEN_INVALID");
  });
});

describe("GET /.well-known/openid-configuration", () => {
  it("names the issuer (http://localhost:<port> by default) and a jwks_uri that serves the keys", async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = await response.json();
    expect(server.issuer).toBe(`http://localhost:${server.port}`);
    expect(metadata.issuer).toBe(server.issuer);
    expect(metadata.jwks_uri).toBe(`${server.issuer}/.well-known/jwks.json`);
    const jwks = await (await fetch(metadata.jwks_uri)).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(server.keys.current().kids());

    const { result } = await signedUp(server);
    const claims = JSON.parse(
      Buffer.from(result.accessToken.split(".")[1] ?? "", "base64url").toString(),
    );
    expect(claims.iss).toBe(metadata.issuer);
  });

  it("uses PUBLIC_URL as the issuer when set", async () => {
    const server = await startTestServer({ PUBLIC_URL: "https://id.example.test/" });
    const metadata = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe("https://id.example.test");
    expect(metadata.jwks_uri).toBe("https://id.example.test/.well-known/jwks.json");
  });
});
