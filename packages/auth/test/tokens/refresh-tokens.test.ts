import { describe, expect, it } from "vitest";
import { hashToken, randomIds, staticKeyRing } from "../../src/index.ts";
import { RefreshTokens } from "../../src/tokens/refresh-tokens.ts";
import { TEST_CONFIG, testKeyRing } from "../support/keys.ts";

describe("refresh tokens", () => {
  it("10,000 issued tokens are all distinct, each with 256 random bits in its jti", async () => {
    const tokens = new RefreshTokens(staticKeyRing(await testKeyRing()), TEST_CONFIG, randomIds);
    const now = Date.now();
    const issued = await Promise.all(
      Array.from({ length: 10_000 }, () =>
        tokens.issue({ userId: "u", sessionId: "s" }, now, now + 60_000),
      ),
    );
    expect(new Set(issued).size).toBe(10_000);
    expect(new Set(issued.map(hashToken)).size).toBe(10_000);
    const jti = JSON.parse(Buffer.from(issued[0]?.split(".")[1] ?? "", "base64url").toString()).jti;
    expect(Buffer.from(jti, "base64url")).toHaveLength(32);
  });

  it("have their own type and audience, and verify only as refresh tokens", async () => {
    const tokens = new RefreshTokens(staticKeyRing(await testKeyRing()), TEST_CONFIG, randomIds);
    const now = Date.now();
    const token = await tokens.issue({ userId: "u", sessionId: "s" }, now, now + 60_000);
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString());
    expect(header.typ).toBe("rt+jwt");
    const result = await tokens.verify(token, now);
    expect(result.ok && result.claims.aud).toBe("sesame:refresh");
    expect(await tokens.verify(token, now + 61_000)).toEqual({ ok: false, failure: "expired" });
  });
});
