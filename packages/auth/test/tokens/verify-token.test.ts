import { createHmac, sign as edSign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN,
  generateSigningKey,
  KeyRing,
  REFRESH_TOKEN,
  verifyToken,
} from "../../src/index.ts";
import { TEST_CONFIG } from "../support/keys.ts";

const NOW = Date.UTC(2026, 5, 1);
const nowS = NOW / 1000;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function setup() {
  const record = await generateSigningKey("EdDSA", "current", NOW);
  const ring = new KeyRing([record]);
  const key = ring.signingKey();
  const claims = {
    iss: TEST_CONFIG.issuer,
    aud: TEST_CONFIG.audience,
    sub: "user-1",
    sid: "session-1",
    jti: "jti-1",
    iat: nowS,
    exp: nowS + 600,
  };
  const header = { alg: "EdDSA", typ: "at+jwt", kid: record.kid };
  /** Signs anything with the real key: a well-signed token whose content is wrong. */
  const signed = (h: object, payload: object) => {
    const input = `${b64(h)}.${b64(payload)}`;
    return `${input}.${edSign(null, Buffer.from(input), key.key).toString("base64url")}`;
  };
  const verify = (token: string, kind = ACCESS_TOKEN) =>
    verifyToken(kind, ring, TEST_CONFIG, token, NOW, 30).then((r) => (r.ok ? "ok" : r.failure));
  return { record, ring, claims, header, signed, verify };
}

describe("verifyToken refuses every malformed or misused token", () => {
  it("accepts the well-formed token the attacks start from", async () => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed(header, claims))).toBe("ok");
  });

  it.each(["none", "None", "NONE"])("refuses alg %s", async (alg) => {
    const { header, claims, verify } = await setup();
    expect(await verify(`${b64({ ...header, alg })}.${b64(claims)}.`)).toBe("invalid");
    expect(await verify(`${b64({ ...header, alg })}.${b64(claims)}.c2ln`)).toBe("invalid");
  });

  it("refuses HS256 keyed with the server's public key (algorithm confusion)", async () => {
    const { record, header, claims, verify } = await setup();
    const publicJwk = JSON.stringify({
      kty: record.privateJwk.kty,
      crv: record.privateJwk.crv,
      x: record.privateJwk.x,
    });
    const input = `${b64({ ...header, alg: "HS256" })}.${b64(claims)}`;
    const mac = createHmac("sha256", publicJwk).update(input).digest("base64url");
    expect(await verify(`${input}.${mac}`)).toBe("invalid");
  });

  it.each([
    ["typ JWT", { typ: "JWT" }],
    ["typ rt+jwt", { typ: "rt+jwt" }],
  ])("refuses %s", async (_n, change) => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed({ ...header, ...change }, claims))).toBe("invalid");
  });

  it.each(["exp", "iss", "aud", "sub", "iat", "jti", "sid"])(
    "refuses a token without %s",
    async (claim) => {
      const { signed, header, claims, verify } = await setup();
      const { [claim as keyof typeof claims]: _dropped, ...rest } = claims;
      expect(await verify(signed(header, rest))).toBe("invalid");
    },
  );

  it.each([
    ["a foreign issuer", { iss: "https://evil.example" }],
    ["a foreign audience", { aud: "another-api" }],
    ["the refresh audience", { aud: "sesame:refresh" }],
    ["iat beyond the tolerance", { iat: nowS + 31 }],
    ["nbf beyond the tolerance", { nbf: nowS + 31 }],
    ["a non-string sid", { sid: 42 }],
  ])("refuses %s", async (_name, change) => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed(header, { ...claims, ...change }))).toBe("invalid");
  });

  it("answers expired only for a well-signed token past exp + tolerance", async () => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed(header, { ...claims, exp: nowS - 29 }))).toBe("ok");
    expect(await verify(signed(header, { ...claims, exp: nowS - 31 }))).toBe("expired");
    const forged = `${signed(header, { ...claims, exp: nowS - 31 }).slice(0, -4)}AAAA`;
    expect(await verify(forged)).toBe("invalid");
  });

  it("never accepts an access token as a refresh token or the reverse", async () => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed(header, claims), REFRESH_TOKEN)).toBe("invalid");
    const refresh = signed({ ...header, typ: "rt+jwt" }, { ...claims, aud: "sesame:refresh" });
    expect(await verify(refresh, REFRESH_TOKEN)).toBe("ok");
    expect(await verify(refresh, ACCESS_TOKEN)).toBe("invalid");
  });

  it("refuses an unknown kid without touching anything else", async () => {
    const { signed, header, claims, verify } = await setup();
    expect(await verify(signed({ ...header, kid: "unknown" }, claims))).toBe("invalid");
  });
});
