import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type PublicJwk, PublicKeyRing } from "../src/rules.ts";
import { stubKey } from "./support/issuer-stub.ts";

describe("PublicKeyRing", () => {
  it("holds each published key under its kid, pinned to its published algorithm", async () => {
    const keys = [await stubKey("EdDSA"), await stubKey("ES256"), await stubKey("RS256")];
    const ring = PublicKeyRing.fromJwks(keys.map((key) => key.publicJwk as PublicJwk));
    expect(ring.kids()).toEqual(keys.map((key) => key.kid));
    expect(keys.map((key) => ring.verificationKey(key.kid)?.alg)).toEqual([
      "EdDSA",
      "ES256",
      "RS256",
    ]);
    expect(ring.verificationKey("unknown")).toBeUndefined();
  });

  it("refuses published keys that do not fit their algorithm, symmetric ones, and repeated kids", async () => {
    const [ed, es, rs] = [
      (await stubKey("EdDSA")).publicJwk,
      (await stubKey("ES256")).publicJwk,
      (await stubKey("RS256")).publicJwk,
    ] as PublicJwk[] as [PublicJwk, PublicJwk, PublicJwk];
    expect(() => PublicKeyRing.fromJwks([{ ...ed, alg: "ES256" }])).toThrow(/does not fit/);
    expect(() => PublicKeyRing.fromJwks([{ ...es, alg: "RS256" }])).toThrow(/does not fit/);
    expect(() => PublicKeyRing.fromJwks([{ ...rs, alg: "EdDSA" }])).toThrow(/does not fit/);
    expect(() => PublicKeyRing.fromJwks([{ ...ed, alg: "HS256" as never }])).toThrow(
      /not a published-key algorithm/,
    );
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      format: "jwk",
    });
    expect(() =>
      PublicKeyRing.fromJwks([{ ...small, kid: "small", alg: "RS256", use: "sig" }]),
    ).toThrow(/does not fit/);
    expect(() => PublicKeyRing.fromJwks([ed, { ...es, kid: ed.kid }])).toThrow(/Duplicate/);
  });

  it("imports only the public members of a key that wrongly carries private ones", async () => {
    const key = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    const ring = PublicKeyRing.fromJwks([{ ...key, kid: "k", alg: "EdDSA", use: "sig" }]);
    expect(ring.verificationKey("k")?.key.type).toBe("public");
  });
});
