import { createHmac, createPrivateKey, sign } from "node:crypto";
import { join } from "node:path";
import {
  AUTH_DEFAULTS,
  generateSigningKey,
  retiredKeyRetention,
  rotateKeySet,
  type SigningKeyRecord,
} from "@sesame/auth";
import { readKeyFile, writeKeyFile } from "@sesame/trpc/keys";
import { createRemoteVerifier } from "@sesame/verify";
import { describe, expect, it } from "vitest";
import { authCodeOf, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token: string) => {
  const [header, payload] = token.split(".") as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()),
    payload: JSON.parse(Buffer.from(payload, "base64url").toString()),
  };
};

/** Signs header and payload with a real private key of the server, as its `alg` does it. */
function signWith(record: SigningKeyRecord, header: object, payload: object): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (record.alg === "HS256") {
    signature = createHmac("sha256", Buffer.from(record.privateJwk.k ?? "", "base64url"))
      .update(data)
      .digest();
  } else {
    const key = createPrivateKey({ key: record.privateJwk as never, format: "jwk" });
    signature =
      record.alg === "EdDSA"
        ? sign(null, data, key)
        : sign("sha256", data, record.alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key);
  }
  return `${input}.${signature.toString("base64url")}`;
}

async function meCode(server: TestServer, token: string) {
  return authCodeOf(server.client({ accessToken: token }).api.user.me.query());
}

describe.each(["EdDSA", "ES256", "RS256", "HS256"] as const)("SIGNING_ALG=%s end to end", (alg) => {
  it("signs, verifies and refreshes with that algorithm only", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { client, result, refreshToken } = await signedUp(server);
    const signer = server.keys.current().signingKey();
    expect(signer.alg).toBe(alg);
    expect(parts(result.accessToken).header).toEqual({ alg, typ: "at+jwt", kid: signer.kid });
    expect(parts(refreshToken).header).toEqual({ alg, typ: "rt+jwt", kid: signer.kid });
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    const refreshed = await client.api.auth.refresh.mutate({ refreshToken });
    expect(parts(refreshed.accessToken).header.alg).toBe(alg);
    client.accessToken = refreshed.accessToken;
    expect((await client.api.user.me.query()).id).toBe(result.user.id);

    if (alg !== "HS256") {
      // Another service verifies it from the published keys alone, pinned to the published alg.
      const verifier = createRemoteVerifier({
        issuer: server.issuer,
        audience: "sesame",
        clock: server.clock,
      });
      const payload = await verifier.verify(refreshed.accessToken);
      expect(payload.sub).toBe(result.user.id);
    }
  });

  it("refuses the same token with its header switched to any other algorithm", async () => {
    const server = await startTestServer({ SIGNING_ALG: alg });
    const { result } = await signedUp(server);
    const [, payload, signature] = result.accessToken.split(".") as [string, string, string];
    const { header } = parts(result.accessToken);
    for (const other of ["EdDSA", "ES256", "RS256", "HS256", "PS256", "none"].filter(
      (a) => a !== alg,
    )) {
      const switched = `${b64({ ...header, alg: other })}.${payload}.${signature}`;
      expect(await meCode(server, switched), other).toBe("TOKEN_INVALID");
    }
  });
});

describe("a ring holding keys of several algorithms (an algorithm migration)", () => {
  it("accepts each key only with its own algorithm, even when the signature is made with a real key of the ring", async () => {
    const now = Date.now();
    const ed = await generateSigningKey("EdDSA", "current", now);
    const es = await generateSigningKey("ES256", "next", now);
    const rs = { ...(await generateSigningKey("RS256", "retired", now)), retiredAt: now };
    const hs = { ...(await generateSigningKey("HS256", "retired", now)), retiredAt: now };
    const server = await startTestServer({
      SIGNING_KEYS: JSON.stringify({ keys: [ed, es, rs, hs] }),
    });
    const { result } = await signedUp(server);
    const { header, payload } = parts(result.accessToken);
    expect(header.kid).toBe(ed.kid);

    // Each key verifies a token it signed with its own algorithm: they are all trusted keys.
    for (const record of [ed, es, rs, hs]) {
      const own = signWith(record, { alg: record.alg, typ: "at+jwt", kid: record.kid }, payload);
      expect(
        await server.auth.authenticate(own).then(
          () => "ok",
          (e) => e.code,
        ),
        record.alg,
      ).toBe("ok");
    }
    // Signed by one trusted key, but naming another key's kid: refused for every pair.
    for (const signer of [ed, es, rs, hs]) {
      for (const named of [ed, es, rs, hs].filter((r) => r !== signer)) {
        const forged = signWith(
          signer,
          { alg: signer.alg, typ: "at+jwt", kid: named.kid },
          payload,
        );
        expect(await meCode(server, forged), `${signer.alg} as ${named.alg}`).toBe("TOKEN_INVALID");
      }
    }
    // The JWKS pins each key's algorithm for everyone else too, and never shows the HMAC key.
    const { keys } = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    expect(keys.map((k: { kid: string; alg: string }) => [k.kid, k.alg])).toEqual([
      [ed.kid, "EdDSA"],
      [es.kid, "ES256"],
      [rs.kid, "RS256"],
    ]);
  });

  it("keeps verifying tokens of the old algorithm after SIGNING_ALG changes and the keys rotate", async () => {
    const server = await startTestServer({ SIGNING_ALG: "ES256" });
    const file = join(server.dir, "keys.json");
    const { client, result } = await signedUp(server);
    expect(parts(result.accessToken).header.alg).toBe("ES256");

    const options = {
      alg: "EdDSA" as const,
      retentionSeconds: retiredKeyRetention(AUTH_DEFAULTS),
      force: true,
    };
    const once = await rotateKeySet(readKeyFile(file), { ...options, now: server.clock.now() });
    const twice = await rotateKeySet(once.keys, { ...options, now: server.clock.now() });
    writeKeyFile(file, twice.keys);
    expect(await server.keys.reloadIfChanged()).toBe(true);

    const after = await signedUp(server);
    expect(parts(after.result.accessToken).header.alg).toBe("EdDSA");
    expect((await client.api.user.me.query()).id).toBe(result.user.id);
    expect(
      (await client.api.auth.refresh.mutate({ refreshToken: result.refreshToken ?? "" }))
        .accessToken,
    ).toBeTypeOf("string");
  });
});
