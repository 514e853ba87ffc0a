import { createHmac, createPublicKey, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { b64url, forger } from "./support/forge.ts";
import { signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

/** Calls user.me with a raw Authorization header and returns status + parsed body. */
async function me(server: TestServer, token: string) {
  const response = await fetch(`${server.url}/trpc/user.me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    authCode: JSON.parse(text)?.error?.data?.authCode as string,
  };
}

async function expectRefused(server: TestServer, token: string, code = "TOKEN_INVALID") {
  const result = await me(server, token);
  expect(result.status).toBe(401);
  expect(result.authCode).toBe(code);
  expect(result.text).not.toMatch(/stack|sqlite|at \w+ \(|node_modules/i);
  return result;
}

describe("the access-token attack suite (RFC 8725, RFC 9068, OWASP JWT)", () => {
  let server: TestServer;
  let genuine: string;
  let forge: ReturnType<typeof forger>;

  // One server for the whole suite: each attack is a read-only request.
  beforeAll(async () => {
    server = await startTestServer({}, "file");
    const { result } = await signedUp(server);
    genuine = result.accessToken;
    forge = forger(server, genuine);
    const ok = await me(server, genuine);
    expect(ok.status).toBe(200);
  }, 30_000);

  it.each(["none", "None", "NONE", "nOnE"])("1. alg %s with valid claims → 401", async (alg) => {
    await expectRefused(server, forge.unsigned({ ...forge.header, alg }, forge.claims));
    await expectRefused(
      server,
      forge.unsigned({ ...forge.header, alg }, forge.claims, "c2lnbmF0dXJl"),
    );
  });

  it("2. HS256 keyed with the server's public key (PEM or JWK bytes) → 401", async () => {
    const publicKey = createPublicKey(server.keys.current().signingKey().key);
    const secrets = [
      publicKey.export({ type: "spki", format: "pem" }),
      JSON.stringify(publicKey.export({ format: "jwk" })),
      JSON.stringify(server.keys.current().jwks().keys[0]),
    ];
    for (const secret of secrets) {
      const header = { ...forge.header, alg: "HS256" };
      const input = `${b64url(header)}.${b64url(forge.claims)}`;
      const mac = createHmac("sha256", secret).update(input).digest("base64url");
      await expectRefused(server, `${input}.${mac}`);
    }
  });

  it("2. any other algorithm, even correctly signed with another key → 401", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await expectRefused(server, forge.signed({ ...forge.header, alg: "RS256" }, forge.claims, rsa));
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    await expectRefused(server, forge.signed({ ...forge.header, alg: "ES256" }, forge.claims, ec));
  });

  it("3. payload changed under the old signature; empty or truncated signature → 401", async () => {
    const [h, , s] = genuine.split(".");
    const elevated = b64url({ ...forge.claims, role: "admin" });
    await expectRefused(server, `${h}.${elevated}.${s}`);
    const otherUser = b64url({ ...forge.claims, sub: "someone-else" });
    await expectRefused(server, `${h}.${otherUser}.${s}`);
    await expectRefused(server, genuine.slice(0, genuine.lastIndexOf(".") + 1));
    await expectRefused(server, genuine.slice(0, -10));
    await expectRefused(
      server,
      `${genuine.slice(0, genuine.lastIndexOf("."))}.${(s ?? "").slice(0, 43)}`,
    );
  });

  it("5. an embedded jwk header carrying the attacker's key → 401", async () => {
    const attacker = generateKeyPairSync("ed25519");
    const jwk = attacker.publicKey.export({ format: "jwk" });
    await expectRefused(
      server,
      forge.signed({ ...forge.header, jwk }, forge.claims, attacker.privateKey),
    );
    const { kid: _kid, ...noKid } = forge.header;
    await expectRefused(server, forge.signed({ ...noKid, jwk }, forge.claims, attacker.privateKey));
  });

  it("6. jku / x5u pointing at a local canary → 401, and the canary is never contacted", async () => {
    let hits = 0;
    const canary = createServer((_req, res) => {
      hits++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/jwks.json`;
    const attacker = generateKeyPairSync("ed25519").privateKey;
    try {
      for (const param of ["jku", "x5u"]) {
        await expectRefused(
          server,
          forge.signed({ ...forge.header, [param]: url }, forge.claims, attacker),
        );
        await expectRefused(server, forge.signed({ ...forge.header, [param]: url }, forge.claims));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hits).toBe(0);
    } finally {
      canary.close();
    }
  });

  it.each([
    ["path traversal", "../../dev/null"],
    ["SQL injection", "' OR 1=1--"],
    ["10 KB", "k".repeat(10_240)],
    ["null byte", "key\u0000"],
  ])("7. kid %s → 401, no 500, no database text", async (_name, kid) => {
    await expectRefused(server, forge.signed({ ...forge.header, kid }, forge.claims));
  });

  it("8. crit and b64:false → 401 even when well signed", async () => {
    await expectRefused(
      server,
      forge.signed({ ...forge.header, crit: ["x-foo"], "x-foo": true }, forge.claims),
    );
    await expectRefused(
      server,
      forge.signed({ ...forge.header, b64: false, crit: ["b64"] }, forge.claims),
    );
  });

  it("9. typ must be at+jwt: typ JWT or no typ → 401 even when well signed", async () => {
    await expectRefused(server, forge.signed({ ...forge.header, typ: "JWT" }, forge.claims));
    await expectRefused(
      server,
      forge.signed({ ...forge.header, typ: "application/at+jwt+x" }, forge.claims),
    );
    const { typ: _typ, ...noTyp } = forge.header;
    await expectRefused(server, forge.signed(noTyp, forge.claims));
  });

  it.each(["exp", "iss", "aud", "sub", "iat", "jti", "sid"])(
    "11. a well-signed token without %s → 401",
    async (claim) => {
      const { [claim]: _dropped, ...rest } = forge.claims;
      await expectRefused(server, forge.signed(forge.header, rest));
    },
  );

  it("12. time: expired beyond tolerance → TOKEN_EXPIRED; iat or nbf in the future → 401", async () => {
    const now = Math.floor(server.clock.now() / 1000);
    await expectRefused(
      server,
      forge.signed(forge.header, { ...forge.claims, exp: now - 31 }),
      "TOKEN_EXPIRED",
    );
    expect(
      (await me(server, forge.signed(forge.header, { ...forge.claims, exp: now - 20 }))).status,
    ).toBe(200);
    await expectRefused(server, forge.signed(forge.header, { ...forge.claims, iat: now + 120 }));
    await expectRefused(server, forge.signed(forge.header, { ...forge.claims, nbf: now + 120 }));
  });

  it("13. wrong iss, missing or foreign aud → 401", async () => {
    await expectRefused(
      server,
      forge.signed(forge.header, { ...forge.claims, iss: "https://evil.example" }),
    );
    await expectRefused(server, forge.signed(forge.header, { ...forge.claims, aud: "other-api" }));
    await expectRefused(
      server,
      forge.signed(forge.header, { ...forge.claims, aud: ["other-api"] }),
    );
    await expectRefused(
      server,
      forge.signed(forge.header, { ...forge.claims, aud: "sesame:refresh" }),
    );
  });

  it("14. JWE (5 segments) and nested tokens → 401", async () => {
    const jwe = `${b64url({ alg: "dir", enc: "A256GCM", kid: forge.kid })}..${b64url("iv")}.${b64url("ct")}.${b64url("tag")}`;
    await expectRefused(server, jwe);
    // A signed token whose payload is itself a token, not a claims set.
    await expectRefused(server, forge.signed(forge.header, genuine));
    await expectRefused(server, forge.signed({ ...forge.header, cty: "JWT" }, { ...forge.claims }));
  });

  it("every refusal of one kind has the same body", async () => {
    const bodies = new Set<string>();
    for (const token of [
      forge.unsigned({ ...forge.header, alg: "none" }, forge.claims),
      forge.signed({ ...forge.header, kid: "' OR 1=1--" }, forge.claims),
      forge.signed({ ...forge.header, typ: "JWT" }, forge.claims),
      "garbage",
    ]) {
      bodies.add((await me(server, token)).text);
    }
    expect(bodies.size).toBe(1);
  });
});

describe("ES256 psychic signatures (CVE-2022-21449)", () => {
  it("4. a zero signature or r = s = n → 401 when ES256 is the configured algorithm", async () => {
    const server = await startTestServer({ SIGNING_ALG: "ES256" });
    const { result } = await signedUp(server);
    expect((await me(server, result.accessToken)).status).toBe(200);
    const forge = forger(server, result.accessToken);
    expect(forge.header.alg).toBe("ES256");
    const n = Buffer.from(
      "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
      "hex",
    );
    for (const signature of [Buffer.alloc(64), Buffer.concat([n, n]), Buffer.alloc(0)]) {
      await expectRefused(
        server,
        forge.unsigned(
          forge.header,
          { ...forge.claims, role: "admin" },
          signature.toString("base64url"),
        ),
      );
    }
  });
});
