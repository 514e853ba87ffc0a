import { hashToken } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends } from "./support/backends.ts";
import { authOn, codeOf, email, META, PASSWORD } from "./support/fixtures.ts";

describe.each(backends)("refresh-token rotation on $dialect", (backend: Backend) => {
  async function signedUp() {
    const storage = await backend.open();
    const { auth, clock } = await authOn(storage);
    const first = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    return { storage, auth, clock, first };
  }

  it("rotates: a new, different token; the old one becomes the parent of the new current one", async () => {
    const { storage, auth, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken, META);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    const session = await storage.sessions.findById(first.sessionId);
    expect(session?.refreshHash).toBe(hashToken(second.refreshToken));
    expect(session?.parentHash).toBe(hashToken(first.refreshToken));
    expect(session?.rotatedAt).not.toBeNull();
  });

  it("after the grace window, a spent token is reuse: the session dies with its current token", async () => {
    const { auth, clock, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken, META);
    clock.advance(11_000);
    expect(await codeOf(auth.refresh(first.refreshToken, META))).toBe("REFRESH_REUSED");
    expect(await codeOf(auth.refresh(second.refreshToken, META))).toBe("SESSION_REVOKED");
    expect(await codeOf(auth.authenticate(second.accessToken))).toBe("SESSION_REVOKED");
    const events = await auth.auditLog(first.user.id);
    expect(events.map((e) => e.type)).toContain("refresh_reuse_detected");
  });

  it("within the grace window, the parent yields the same successor (a lost response)", async () => {
    const { auth, clock, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken, META);
    clock.advance(5_000);
    const again = await auth.refresh(first.refreshToken, META);
    expect(again.refreshToken).toBe(second.refreshToken);
    expect(await codeOf(auth.authenticate(again.accessToken))).toBe("ok");
    const third = await auth.refresh(second.refreshToken, META);
    expect(third.refreshToken).not.toBe(second.refreshToken);
  });

  it("an older token is reuse even inside the window: RT0 after RT0→RT1→RT2 revokes", async () => {
    const { auth, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken, META);
    const third = await auth.refresh(second.refreshToken, META);
    expect(await codeOf(auth.refresh(first.refreshToken, META))).toBe("REFRESH_REUSED");
    expect(await codeOf(auth.refresh(third.refreshToken, META))).toBe("SESSION_REVOKED");
  });

  it("10 parallel refreshes of one token all succeed with one successor, and the session lives on", async () => {
    const { auth, first } = await signedUp();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => auth.refresh(first.refreshToken, META)),
    );
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    const next = await auth.refresh(results[0]?.refreshToken ?? "", META);
    expect(await codeOf(auth.authenticate(next.accessToken))).toBe("ok");
  });

  it("the sweep erases a parent's seal once the grace window is over, and only then", async () => {
    const { storage, auth, clock, first } = await signedUp();
    await auth.refresh(first.refreshToken, META);
    clock.advance(5_000);
    expect((await auth.sweepShortLived()).seals).toBe(0);
    expect((await storage.sessions.findById(first.sessionId))?.parentSeal).not.toBeNull();
    clock.advance(6_000);
    expect((await auth.sweepShortLived()).seals).toBe(1);
    expect((await storage.sessions.findById(first.sessionId))?.parentSeal).toBeNull();
  });

  it("idle timeout: no refresh for longer than the idle limit ends the session", async () => {
    const { auth, clock, first } = await signedUp();
    clock.advance(7 * 24 * 3600 * 1000 + 1000);
    expect(await codeOf(auth.refresh(first.refreshToken, META))).toBe("SESSION_EXPIRED");
  });

  it("absolute lifetime: refreshing every day never extends the session past 30 days", async () => {
    const { auth, clock, first } = await signedUp();
    let token = first.refreshToken;
    let lastExpiry = 0;
    for (let day = 1; day < 30; day++) {
      clock.advance(24 * 3600 * 1000);
      const next = await auth.refresh(token, META);
      token = next.refreshToken;
      lastExpiry = next.refreshTokenExpiresAt;
    }
    const absoluteEnd =
      Math.floor(new Date(first.user.createdAt).getTime() / 1000) + 30 * 24 * 3600;
    expect(lastExpiry).toBeLessThanOrEqual(absoluteEnd);
    clock.advance(24 * 3600 * 1000 + 1000);
    expect(await codeOf(auth.refresh(token, META))).toBe("SESSION_EXPIRED");
  });

  it("refuses an access token presented as a refresh token, and garbage", async () => {
    const { auth, first } = await signedUp();
    expect(await codeOf(auth.refresh(first.accessToken, META))).toBe("REFRESH_INVALID");
    expect(await codeOf(auth.refresh("not.a.token", META))).toBe("REFRESH_INVALID");
    expect(await codeOf(auth.refresh(first.refreshToken, META))).toBe("ok");
  });
});
