import { describe, expect, it } from "vitest";
import { readTokenHeader } from "../src/rules.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const token = (header: unknown, signature = "c2ln") =>
  `${b64(header)}.${b64({ sub: "x" })}.${signature}`;
const good = { alg: "EdDSA", typ: "at+jwt", kid: "key-1" };

describe("reading a token header strictly", () => {
  it("accepts exactly alg, typ and kid", () => {
    expect(readTokenHeader(token(good))).toEqual(good);
  });

  it.each([
    ["an embedded key (jwk)", { ...good, jwk: { kty: "OKP" } }],
    ["a key URL (jku)", { ...good, jku: "http://127.0.0.1:1/jwks" }],
    ["a certificate URL (x5u)", { ...good, x5u: "http://127.0.0.1:1/cert" }],
    ["a certificate chain (x5c)", { ...good, x5c: ["MII"] }],
    ["critical extensions (crit)", { ...good, crit: ["x-foo"], "x-foo": 1 }],
    ["an unencoded payload (b64: false)", { ...good, b64: false, crit: ["b64"] }],
    ["a nested token (cty: JWT)", { ...good, cty: "JWT" }],
    ["a missing kid", { alg: "EdDSA", typ: "at+jwt" }],
    ["a missing typ", { alg: "EdDSA", kid: "key-1" }],
    ["a path traversal kid", { ...good, kid: "../../dev/null" }],
    ["an SQL injection kid", { ...good, kid: "' OR 1=1--" }],
    ["a 10 KB kid", { ...good, kid: "k".repeat(10_240) }],
    ["a non-string alg", { ...good, alg: ["EdDSA"] }],
  ])("refuses %s", (_name, header) => {
    expect(readTokenHeader(token(header))).toBeUndefined();
  });

  it.each([
    ["five segments (JWE)", `${b64(good)}.a.b.c.d`],
    ["two segments", `${b64(good)}.${b64({})}`],
    ["an empty signature", `${b64(good)}.${b64({})}.`],
    ["non-base64url characters", `${b64(good)}.${b64({})}.si+g/=`],
    ["a header that is not JSON", `bm90IGpzb24.${b64({})}.c2ln`],
    ["a header that is an array", `${b64([good])}.${b64({})}.c2ln`],
    ["an oversized token", `${b64(good)}.${"a".repeat(5000)}.c2ln`],
  ])("refuses %s", (_name, value) => {
    expect(readTokenHeader(value)).toBeUndefined();
  });
});
