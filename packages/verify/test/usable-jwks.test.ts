import { describe, expect, it } from "vitest";
import { RemoteKeysError } from "../src/index.ts";
import { usableJwks } from "../src/rules.ts";
import { stubKey } from "./support/issuer-stub.ts";

async function published() {
  return [(await stubKey("EdDSA")).publicJwk, (await stubKey("ES256")).publicJwk];
}

describe("usableJwks", () => {
  it("keeps well-formed signature keys", async () => {
    const keys = await published();
    expect(usableJwks({ keys })).toEqual(keys);
  });

  it("skips keys without kid or alg, with a foreign use, symmetric, or unfit for their alg", async () => {
    const [ed, es] = (await published()) as unknown as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const { kid: _kid, ...noKid } = ed;
    const { alg: _alg, ...noAlg } = ed;
    const candidates = [
      noKid,
      noAlg,
      { ...ed, kid: "../../etc/passwd" },
      { ...ed, kid: "enc", use: "enc" },
      { ...ed, kid: "ops", key_ops: ["encrypt"] },
      { kty: "oct", k: "c2VjcmV0", kid: "hmac", alg: "HS256", use: "sig" },
      { ...ed, kid: "mismatch", alg: "ES256" },
      { ...ed, kid: "weird", alg: "PS256" },
      "not a key",
      null,
      es,
    ];
    expect(usableJwks({ keys: candidates })).toEqual([es]);
  });

  it("refuses a key published with private members, and both keys of a duplicated kid", async () => {
    const [ed, es] = (await published()) as unknown as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const leaked = { ...ed, kid: "leaked", d: "AAAA" };
    const twin = { ...es, kid: ed.kid };
    expect(usableJwks({ keys: [leaked, ed, twin] })).toEqual([]);
  });

  it("throws for a document that is no JWK Set", () => {
    for (const document of [null, [], {}, { keys: "x" }, "keys"]) {
      expect(() => usableJwks(document)).toThrow(RemoteKeysError);
    }
  });
});
