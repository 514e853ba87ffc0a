import { describe, expect, it } from "vitest";
import { ManualClock, randomIds, staticKeyRing } from "../../src/index.ts";
import { AccessTokens } from "../../src/tokens/access-tokens.ts";
import { codeOf } from "../support/code-of.ts";
import { TEST_CONFIG, testKeyRing } from "../support/keys.ts";

const subject = { userId: "user-1", sessionId: "session-1", role: "user" as const, amr: ["pwd"] };

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const ring = await testKeyRing();
  let current = ring;
  const tokens = new AccessTokens({ current: () => current }, TEST_CONFIG, clock, randomIds);
  return { clock, tokens, swap: (next: typeof ring) => (current = next) };
}

describe("access tokens", () => {
  it("issue at+jwt tokens with every required claim and verify them", async () => {
    const { tokens, clock } = await setup();
    const { token, expiresAt } = await tokens.issue(subject, clock.now() + 3_600_000);
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
    expect(Object.keys(header).sort()).toEqual(["alg", "kid", "typ"]);
    expect(Object.keys(payload).sort()).toEqual([
      "amr",
      "aud",
      "exp",
      "iat",
      "iss",
      "jti",
      "role",
      "sid",
      "sub",
    ]);
    expect(expiresAt - payload.iat).toBe(600);
    expect(payload.amr).toEqual(["pwd"]);
    await expect(tokens.verify(token)).resolves.toEqual({ ...subject, expiresAt });
  });

  it("never outlive the session they belong to", async () => {
    const { tokens, clock } = await setup();
    const { expiresAt } = await tokens.issue(subject, clock.now() + 60_000);
    expect(expiresAt).toBe(Math.floor((clock.now() + 60_000) / 1000));
  });

  it("expire after their TTL plus the 30 s tolerance, with the cache honouring the same limit", async () => {
    const { tokens, clock } = await setup();
    const { token } = await tokens.issue(subject, clock.now() + 3_600_000);
    await tokens.verify(token); // now cached
    clock.advance(600_000 + 29_000);
    await expect(tokens.verify(token)).resolves.toMatchObject(subject);
    clock.advance(2_000);
    expect(await codeOf(tokens.verify(token))).toBe("TOKEN_EXPIRED");
  });

  it("stop verifying at once when the key that signed them leaves the ring, cached or not", async () => {
    const { tokens, clock, swap } = await setup();
    const { token } = await tokens.issue(subject, clock.now() + 3_600_000);
    await tokens.verify(token);
    swap(await testKeyRing());
    expect(await codeOf(tokens.verify(token))).toBe("TOKEN_INVALID");
  });

  it("refuse a token signed by another issuer's key even with the same claims", async () => {
    const { tokens, clock } = await setup();
    const other = new AccessTokens(
      staticKeyRing(await testKeyRing()),
      TEST_CONFIG,
      clock,
      randomIds,
    );
    const { token } = await other.issue(subject, clock.now() + 3_600_000);
    expect(await codeOf(tokens.verify(token))).toBe("TOKEN_INVALID");
  });

  it("refuse any single changed byte of header, payload or signature", async () => {
    const { tokens, clock } = await setup();
    const { token } = await tokens.issue(subject, clock.now() + 3_600_000);
    const positions = [3, token.indexOf(".") + 5, token.lastIndexOf(".") + 5, token.length - 3];
    for (const position of positions) {
      const original = token[position];
      const replacement = original === "A" ? "B" : "A";
      const tampered = token.slice(0, position) + replacement + token.slice(position + 1);
      expect(await codeOf(tokens.verify(tampered)), `byte ${position}`).toBe("TOKEN_INVALID");
    }
  });
});

describe("EdDSA signing through node:crypto", () => {
  it("produces exactly the token jose's SignJWT produces for the same header, claims and key", async () => {
    const { SignJWT } = await import("jose");
    const { signToken, ACCESS_TOKEN } = await import("../../src/index.ts");
    const ring = await testKeyRing("EdDSA");
    const subject = { userId: "u", sessionId: "s", extraClaims: { role: "user" } };
    const ours = await signToken(
      ACCESS_TOKEN,
      ring,
      TEST_CONFIG,
      subject,
      "jti-1",
      1_700_000_000,
      1_700_000_600,
    );
    const key = ring.signingKey();
    const theirs = await new SignJWT({
      sid: "s",
      role: "user",
      iss: TEST_CONFIG.issuer,
      aud: "sesame",
      sub: "u",
      jti: "jti-1",
      iat: 1_700_000_000,
      exp: 1_700_000_600,
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: key.kid })
      .sign(key.key);
    expect(ours).toBe(theirs);
  });
});
