import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeBroadcastHub } from "../testing/fake-broadcast-hub.ts";
import { openTab } from "../testing/fake-tab.ts";
import { FakeTokenServer } from "../testing/fake-token-server.ts";
import { AuthSession } from "./auth-session.ts";
import { inProcessLock } from "./in-process-lock.ts";
import type { LockManager } from "./primitives.ts";

describe("AuthSession", () => {
  let server: FakeTokenServer;
  let hub: FakeBroadcastHub;
  let lock: LockManager;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    server = new FakeTokenServer(Date.now);
    hub = new FakeBroadcastHub();
    lock = inProcessLock();
  });
  afterEach(() => vi.useRealTimers());

  describe("proactive refresh", () => {
    it("refreshes 30 s before a 10-minute token expires, then again for the new token", async () => {
      const tab = openTab(server, hub, lock);
      tab.session.signIn(server.issue());

      await vi.advanceTimersByTimeAsync(569_999);
      expect(server.refreshCalls).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(server.refreshCalls).toBe(1);
      expect(tab.session.accessToken).toBe("at-2");

      await vi.advanceTimersByTimeAsync(570_000);
      expect(server.refreshCalls).toBe(2);
      expect(tab.session.accessToken).toBe("at-3");
    });

    it("gives up at most a fifth of a short token's life", async () => {
      server = new FakeTokenServer(Date.now, 10);
      const tab = openTab(server, hub, lock);
      tab.session.signIn(server.issue());

      await vi.advanceTimersByTimeAsync(7_999);
      expect(server.refreshCalls).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(server.refreshCalls).toBe(1);
    });

    it("schedules nothing for a token this clock already sees as expired (skewed clock)", async () => {
      const tab = openTab(server, hub, lock);
      tab.session.signIn({ accessToken: "skewed", accessTokenExpiresAt: Date.now() / 1000 - 5 });

      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(server.refreshCalls).toBe(0);
    });

    it("waits for a token that outlives what one timer can wait (24.8 days) instead of refreshing at once", async () => {
      const tab = openTab(server, hub, lock);
      const yearMs = 365 * 86_400_000;
      tab.session.signIn({
        accessToken: "long",
        accessTokenExpiresAt: (Date.now() + yearMs) / 1000,
      });

      await vi.advanceTimersByTimeAsync(60 * 86_400_000);
      expect(server.refreshCalls).toBe(0);
      await vi.advanceTimersByTimeAsync(yearMs - 60 * 86_400_000);
      expect(server.refreshCalls).toBe(1);
    });

    it("stops after logout", async () => {
      const tab = openTab(server, hub, lock);
      tab.session.signIn(server.issue());
      await tab.session.logout();

      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(server.refreshCalls).toBe(0);
    });
  });

  describe("across tabs", () => {
    it("one sign-in signs in every tab with the same token", async () => {
      const [a, b] = [openTab(server, hub, lock), openTab(server, hub, lock)];
      b.session.endSession("SIGNED_OUT");
      a.session.signIn(server.issue());

      await vi.waitFor(() => expect(b.session.getState().status).toBe("signed-in"));
      expect(b.session.accessToken).toBe("at-1");
    });

    it("five tabs whose tokens expired at once refresh once, never concurrently, and all keep working", async () => {
      const tabs = [1, 2, 3, 4, 5].map(() => openTab(server, hub, lock));
      tabs[0]?.session.signIn(server.issue());
      await vi.waitFor(() =>
        expect(tabs.every((t) => t.session.accessToken === "at-1")).toBe(true),
      );
      server.expireIssuedTokens();

      const results = await Promise.all(tabs.map((tab) => tab.call()));

      expect(server.refreshCalls).toBe(1);
      expect(server.maxConcurrentRefreshes).toBe(1);
      expect(results.map((r) => r.token)).toEqual(["at-2", "at-2", "at-2", "at-2", "at-2"]);
      expect(tabs.every((t) => t.session.getState().status === "signed-in")).toBe(true);
    });

    it("without the lock the same tabs would refresh concurrently (what the lock prevents)", async () => {
      const tabs = [1, 2, 3].map(() => openTab(server, hub, inProcessLock()));
      tabs[0]?.session.signIn(server.issue());
      await vi.waitFor(() =>
        expect(tabs.every((t) => t.session.accessToken === "at-1")).toBe(true),
      );
      server.expireIssuedTokens();

      await Promise.all(tabs.map((tab) => tab.call()));

      expect(server.maxConcurrentRefreshes).toBe(3);
    });

    it("a tab that gets the lock after another tab's refresh, before its grant arrives, refreshes in turn and never concurrently", async () => {
      const silentHub = new FakeBroadcastHub();
      const a = openTab(server, silentHub, lock);
      const b = openTab(server, new FakeBroadcastHub(), lock);
      a.session.signIn(server.issue());
      b.session.signIn({ accessToken: "at-1", accessTokenExpiresAt: Date.now() / 1000 + 600 });
      server.expireIssuedTokens();

      const [ra, rb] = await Promise.all([a.call(), b.call()]);

      expect(server.refreshCalls).toBe(2);
      expect(server.maxConcurrentRefreshes).toBe(1);
      expect([ra.token, rb.token]).toEqual(["at-2", "at-3"]);
    });

    it("logout in one tab signs every tab out, saying where it happened", async () => {
      const [a, b, c] = [1, 2, 3].map(() => openTab(server, hub, lock));
      a?.session.signIn(server.issue());
      await vi.waitFor(() => expect(c?.session.getState().status).toBe("signed-in"));

      await a?.session.logout();
      await vi.waitFor(() => expect(c?.session.getState().status).toBe("signed-out"));

      expect(server.logoutCalls).toBe(1);
      expect(server.cookie).toBe(false);
      expect(a?.session.getState()).toEqual({
        status: "signed-out",
        reason: { code: "SIGNED_OUT", elsewhere: false },
      });
      for (const tab of [b, c]) {
        expect(tab?.session.getState()).toEqual({
          status: "signed-out",
          reason: { code: "SIGNED_OUT", elsewhere: true },
        });
        expect(tab?.session.accessToken).toBeUndefined();
      }
    });

    it("a refresh refused for want of this browser's DPoP key signs every tab out: the tabs share the key", async () => {
      const [a, b] = [1, 2].map(() => openTab(server, hub, lock));
      a?.session.signIn(server.issue());
      await vi.waitFor(() => expect(b?.session.getState().status).toBe("signed-in"));
      server.expireIssuedTokens();
      server.refreshFailure = "DPOP_INVALID";

      await expect(a?.call()).rejects.toThrow();
      await vi.waitFor(() => expect(b?.session.getState().status).toBe("signed-out"));

      expect(a?.session.getState()).toEqual({
        status: "signed-out",
        reason: { code: "DPOP_INVALID", elsewhere: false },
      });
      expect(b?.session.getState()).toEqual({
        status: "signed-out",
        reason: { code: "DPOP_INVALID", elsewhere: true },
      });
    });

    it("ignores a refreshed grant that is older than the one it holds", async () => {
      const tab = openTab(server, hub, lock);
      const older = server.issue();
      vi.advanceTimersByTime(1_000);
      const newer = server.issue();
      tab.session.signIn(newer);

      hub.channel().post({ type: "signed-in", grant: older, fresh: false });
      await Promise.resolve();
      await Promise.resolve();

      expect(tab.session.accessToken).toBe(newer.accessToken);
    });

    it("ignores malformed messages", async () => {
      const tab = openTab(server, hub, lock);
      tab.session.signIn(server.issue());
      hub.channel().post({ type: "signed-in", grant: { accessToken: 42 } });
      hub.channel().post("signed-out");
      await Promise.resolve();
      await Promise.resolve();

      expect(tab.session.getState().status).toBe("signed-in");
      expect(tab.session.accessToken).toBe("at-1");
    });
  });

  describe("restore", () => {
    it("signs in through the refresh cookie", async () => {
      const tab = openTab(server, hub, lock);
      await tab.session.restore();
      expect(tab.session.getState().status).toBe("signed-in");
      expect(tab.session.accessToken).toBe("at-1");
    });

    it("without a cookie is signed out with no reason, and tells no other tab", async () => {
      server.cookie = false;
      const tab = openTab(server, hub, lock);
      await tab.session.restore();
      expect(tab.session.getState()).toEqual({ status: "signed-out", reason: null });
      expect(hub.posted).toEqual([]);
    });

    it("with a revoked session says so", async () => {
      server.refreshFailure = "SESSION_REVOKED";
      const tab = openTab(server, hub, lock);
      await tab.session.restore();
      expect(tab.session.getState()).toEqual({
        status: "signed-out",
        reason: { code: "SESSION_REVOKED", elsewhere: false },
      });
    });

    it("without a server says it is unreachable", async () => {
      const session = new AuthSession({
        refresh: () => Promise.reject(new TypeError("Failed to fetch")),
        logout: server.logout,
      });
      await session.restore();
      expect(session.getState()).toEqual({
        status: "signed-out",
        reason: { code: "UNREACHABLE", elsewhere: false },
      });
    });

    describe("with a session hint (a browser's localStorage)", () => {
      /** The hint as one origin's storage holds it: shared by every tab. */
      const storedHint = (value: boolean | undefined) => {
        const hint = {
          value,
          mayBeSignedIn: () => hint.value === true,
          remember: (signedIn: boolean) => {
            hint.value = signedIn;
          },
        };
        return hint;
      };

      it("asks the server nothing when this browser holds no session", async () => {
        const tab = openTab(server, hub, lock, storedHint(undefined));
        await tab.session.restore();
        expect(server.refreshCalls).toBe(0);
        expect(tab.session.getState()).toEqual({ status: "signed-out", reason: null });
      });

      it("a sign-in is remembered for the next load, and a log-out forgotten", async () => {
        const hint = storedHint(undefined);
        const tab = openTab(server, hub, lock, hint);
        tab.session.signIn(server.issue());
        expect(hint.value).toBe(true);

        const reloaded = openTab(server, hub, lock, hint);
        await reloaded.session.restore();
        expect(server.refreshCalls).toBe(1);
        expect(reloaded.session.getState().status).toBe("signed-in");

        await reloaded.session.logout();
        expect(hint.value).toBe(false);
      });

      it("a session that ended, or a cookie that is gone, clears it", async () => {
        const hint = storedHint(true);
        server.refreshFailure = "SESSION_REVOKED";
        await openTab(server, hub, lock, hint).session.restore();
        expect(hint.value).toBe(false);

        hint.value = true;
        server.refreshFailure = undefined;
        server.cookie = false;
        await openTab(server, hub, lock, hint).session.restore();
        expect(hint.value).toBe(false);
      });

      it("a network failure or RATE_LIMITED keeps it: the cookie may still work next time", async () => {
        const hint = storedHint(true);
        const offline = new AuthSession({
          refresh: () => Promise.reject(new TypeError("Failed to fetch")),
          logout: server.logout,
          hint,
        });
        await offline.restore();
        expect(offline.getState()).toMatchObject({ reason: { code: "UNREACHABLE" } });
        expect(hint.value).toBe(true);

        server.refreshFailure = "RATE_LIMITED";
        await openTab(server, hub, lock, hint).session.restore();
        expect(hint.value).toBe(true);
      });
    });

    it("takes a grant another tab refreshed while this one waited for the lock", async () => {
      const a = openTab(server, hub, lock);
      a.session.signIn(server.issue());
      const refreshing = a.session.refresh(a.session.accessToken);
      const b = openTab(server, hub, lock);
      await Promise.all([refreshing, b.session.restore()]);

      expect(server.refreshCalls).toBe(1);
      expect(b.session.accessToken).toBe("at-2");
    });
  });

  it("keeps the first reason it was signed out for", () => {
    const tab = openTab(server, hub, lock);
    tab.session.endSession("SESSION_REVOKED");
    tab.session.endSession("TOKEN_MISSING");
    expect(tab.session.getState()).toEqual({
      status: "signed-out",
      reason: { code: "SESSION_REVOKED", elsewhere: false },
    });
  });

  it("a login in another tab replaces the session this tab shows, even with an earlier expiry", async () => {
    const a = openTab(server, hub, lock);
    const b = openTab(server, hub, lock);
    const first = server.issue();
    b.session.signIn(first);
    await vi.waitFor(() => expect(a.session.accessToken).toBe("at-1"));
    const before = a.session.getState();

    b.session.signIn({
      accessToken: "at-new-session",
      accessTokenExpiresAt: first.accessTokenExpiresAt - 60,
    });

    await vi.waitFor(() => expect(a.session.accessToken).toBe("at-new-session"));
    const after = a.session.getState();
    expect(after.status).toBe("signed-in");
    expect(after).not.toEqual(before);
  });

  it("a refresh in another tab keeps the session this tab shows", async () => {
    const a = openTab(server, hub, lock);
    const b = openTab(server, hub, lock);
    b.session.signIn(server.issue());
    await vi.waitFor(() => expect(a.session.accessToken).toBe("at-1"));
    const before = a.session.getState();

    await b.session.refresh("at-1");

    await vi.waitFor(() => expect(a.session.accessToken).toBe("at-2"));
    expect(a.session.getState()).toBe(before);
  });

  it("notifies subscribers on every change of state", async () => {
    const tab = openTab(server, hub, lock);
    const seen: string[] = [];
    tab.session.subscribe(() => seen.push(tab.session.getState().status));
    await tab.session.restore();
    await tab.session.logout();
    expect(seen).toEqual(["signed-in", "signed-out"]);
  });

  describe("the user", () => {
    const ann = {
      id: "u1",
      email: "ann@example.com",
      name: "Ann",
      role: "user" as const,
      createdAt: "2026-01-01T00:00:00.000Z",
      emailVerified: false,
    };
    const grantFor = (user: typeof ann) => ({ ...server.issue(), user });

    it("is the one the sign-in brought, and null once signed out", async () => {
      const tab = openTab(server, hub, lock);
      tab.session.signIn(grantFor(ann));

      expect(tab.session.getState()).toEqual({ status: "signed-in", generation: 1, user: ann });
      expect(tab.session.user).toEqual(ann);

      await tab.session.logout();
      expect(tab.session.user).toBeNull();
    });

    it("follows a refresh that brings news about it, in a new state of the same generation", async () => {
      let user = ann;
      const session = new AuthSession({
        refresh: async () => grantFor(user),
        logout: server.logout,
      });
      await session.restore();
      const restored = session.getState();

      await session.refresh(session.accessToken);
      // Nothing new: the same state, so nothing re-renders.
      expect(session.getState()).toBe(restored);

      user = { ...ann, emailVerified: true };
      await session.refresh(session.accessToken);
      expect(session.getState()).toEqual({ status: "signed-in", generation: 1, user });
    });

    it("reaches the other tabs with the grant", async () => {
      const [a, b] = [openTab(server, hub, lock), openTab(server, hub, lock)];
      a.session.signIn(grantFor(ann));

      await vi.waitFor(() => expect(b.session.user).toEqual(ann));
    });
  });

  it("keeps neither the refresh token nor the device token of a body-transport result, nor sends them to other tabs", () => {
    const tab = openTab(server, hub, lock);

    tab.session.signIn({
      ...server.issue(),
      refreshToken: "rt-secret",
      deviceToken: "dt-secret",
    } as never);

    expect(JSON.stringify(hub.posted)).not.toMatch(/secret/);
    expect(hub.posted).toEqual([
      {
        type: "signed-in",
        fresh: true,
        grant: { accessToken: "at-1", accessTokenExpiresAt: expect.any(Number) },
      },
    ]);
  });
});
