import { type AuditAppend, foldInstructionFor, hashToken, type RotationWrite } from "@sesame/auth";
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

  it("a disabled account refreshes nothing, even while its session is still live", async () => {
    const { storage, auth, first } = await signedUp();
    // Only the account's row changes (disable() would also revoke the session): the check is the core's own.
    await backend.query(storage, "UPDATE users SET disabled_at = ? WHERE id = ? RETURNING id", [
      1,
      first.user.id,
    ]);
    expect(await codeOf(auth.refresh(first.refreshToken, META))).toBe("SESSION_REVOKED");
    const session = await storage.sessions.findById(first.sessionId);
    expect(session?.refreshHash).toBe(hashToken(first.refreshToken));
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

  it("each rotation's event commits with it: one row per session and hour counts every refresh", async () => {
    const { auth, clock, first } = await signedUp();
    let token = first.refreshToken;
    for (let i = 0; i < 3; i++) token = (await auth.refresh(token, META)).refreshToken;
    const refreshRows = async () =>
      (await auth.auditLog(first.user.id))
        .filter((e) => e.type === "refresh")
        .map((e) => [e.sessionId, e.count]);
    // The first rotation started the session's run (under the account's lock), the next two folded into it.
    expect(await refreshRows()).toEqual([[first.sessionId, 3]]);
    clock.advance(61 * 60_000);
    await auth.refresh(token, META);
    expect(await refreshRows()).toEqual([
      [first.sessionId, 1],
      [first.sessionId, 3],
    ]);
  });

  it("a lost rotation writes nothing, its event included, whether or not the session has a run", async () => {
    const { storage, auth, clock, first } = await signedUp();
    const now = clock.now();
    const session = await storage.sessions.findById(first.sessionId);
    const spent: RotationWrite = {
      sessionId: first.sessionId,
      presentedHash: hashToken("a token that is not the current one"),
      successorHash: hashToken("successor"),
      sealedSuccessor: "sealed",
      rotatedBy: "binding",
      now,
      idleExpiresAt: now + 60_000,
      ip: null,
      userAgent: null,
    };
    const refresh: AuditAppend = {
      event: {
        type: "refresh",
        at: now,
        userId: first.user.id,
        sessionId: first.sessionId,
        ip: null,
        userAgent: null,
      },
      fold: foldInstructionFor("refresh", now),
    };
    // Refresh rows only: the sign-up's mail is audited whenever its queue sends it.
    const events = async () =>
      (await auth.auditLog(first.user.id)).filter((e) => e.type === "refresh");
    const before = await events();
    // No run yet: the transaction path.
    expect(await storage.sessions.rotate(spent, refresh)).toBe("lost");
    expect(await events()).toEqual(before);
    const current = (await auth.refresh(first.refreshToken, META)).refreshToken;
    // The run exists now: the one-statement path.
    const withRun = await events();
    expect(await storage.sessions.rotate(spent, refresh)).toBe("lost");
    expect(await events()).toEqual(withRun);
    expect((await storage.sessions.findById(first.sessionId))?.refreshHash).toBe(
      hashToken(current),
    );
    expect(session?.refreshHash).toBe(hashToken(first.refreshToken));
  });
});
