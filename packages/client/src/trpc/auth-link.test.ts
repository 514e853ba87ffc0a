import { createTRPCUntypedClient } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { authCodeOf } from "../core/auth-codes.ts";
import { inProcessLock } from "../core/in-process-lock.ts";
import type { LockManager } from "../core/primitives.ts";
import { publicProcedures, sesameProcedures } from "../core/procedures.ts";
import { FakeBroadcastHub } from "../testing/fake-broadcast-hub.ts";
import { openTab } from "../testing/fake-tab.ts";
import { FakeTokenServer } from "../testing/fake-token-server.ts";
import { authLink } from "./auth-link.ts";

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "resolved",
    (error: unknown) => authCodeOf(error) ?? String(error),
  );

describe("authLink", () => {
  let server: FakeTokenServer;
  let hub: FakeBroadcastHub;
  const lock = inProcessLock();

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    server = new FakeTokenServer(Date.now);
    hub = new FakeBroadcastHub();
  });
  afterEach(() => vi.useRealTimers());

  it("sends the in-memory access token with each call", async () => {
    const tab = openTab(server, hub, lock);
    const grant = server.issue();
    tab.session.signIn(grant);
    expect(await tab.call()).toEqual({ path: "user.me", token: grant.accessToken });
    expect(server.refreshCalls).toBe(0);
  });

  it("on TOKEN_EXPIRED refreshes once and retries the call with the new token", async () => {
    const tab = openTab(server, hub, lock);
    tab.session.signIn(server.issue());
    server.expireIssuedTokens();

    const result = await tab.call();

    expect(server.refreshCalls).toBe(1);
    expect(result.token).toBe("at-2");
    expect(server.calls.map((c) => c.token)).toEqual(["at-1", "at-2"]);
  });

  it("makes concurrent failures share a single refresh, asking for the lock once", async () => {
    let lockRequests = 0;
    const countingLock: LockManager = {
      withLock: (name, task) => {
        lockRequests++;
        return lock.withLock(name, task);
      },
    };
    const tab = openTab(server, hub, countingLock);
    tab.session.signIn(server.issue());
    server.expireIssuedTokens();

    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => tab.call(`q.${n}`)));

    expect(lockRequests).toBe(1);
    expect(server.refreshCalls).toBe(1);
    expect(results.map((r) => r.token)).toEqual(["at-2", "at-2", "at-2", "at-2", "at-2"]);
    expect(server.calls).toHaveLength(10);
  });

  it("retries only once: a call that fails again surfaces its error", async () => {
    const tab = openTab(server, hub, lock);
    tab.session.signIn(server.issue());
    server.callFailure = "TOKEN_EXPIRED";

    expect(await codeOf(tab.call())).toBe("TOKEN_EXPIRED");
    expect(server.calls).toHaveLength(2);
    expect(server.refreshCalls).toBe(1);
    expect(tab.session.getState().status).toBe("signed-in");
  });

  it("signs every tab out when a call finds the session revoked, without refreshing", async () => {
    const tab = openTab(server, hub, lock);
    const other = openTab(server, hub, lock);
    tab.session.signIn(server.issue());
    server.callFailure = "SESSION_REVOKED";

    expect(await codeOf(tab.call())).toBe("SESSION_REVOKED");
    await vi.waitFor(() => expect(other.session.getState().status).toBe("signed-out"));

    expect(server.refreshCalls).toBe(0);
    expect(tab.session.getState()).toEqual({
      status: "signed-out",
      reason: { code: "SESSION_REVOKED", elsewhere: false },
    });
    expect(other.session.getState()).toEqual({
      status: "signed-out",
      reason: { code: "SESSION_REVOKED", elsewhere: true },
    });
  });

  it("fails the call with the refresh's code and signs out when the refresh token was reused", async () => {
    const tab = openTab(server, hub, lock);
    tab.session.signIn(server.issue());
    server.expireIssuedTokens();
    server.refreshFailure = "REFRESH_REUSED";

    expect(await codeOf(tab.call())).toBe("REFRESH_REUSED");
    expect(tab.session.getState()).toEqual({
      status: "signed-out",
      reason: { code: "REFRESH_REUSED", elsewhere: false },
    });
    expect(tab.session.accessToken).toBeUndefined();
  });

  it("keeps the session when a refresh fails for a passing reason (rate limit)", async () => {
    const tab = openTab(server, hub, lock);
    tab.session.signIn(server.issue());
    server.expireIssuedTokens();
    server.refreshFailure = "RATE_LIMITED";

    expect(await codeOf(tab.call())).toBe("RATE_LIMITED");
    expect(tab.session.getState().status).toBe("signed-in");

    server.refreshFailure = undefined;
    expect((await tab.call()).token).toBe("at-2");
  });

  it("holds calls made while the session is restoring until the restore's refresh is done", async () => {
    const tab = openTab(server, hub, lock);
    const restoring = tab.session.restore();
    const result = await tab.call();
    await restoring;

    expect(server.refreshCalls).toBe(1);
    expect(result.token).toBe("at-1");
    expect(server.calls).toEqual([{ path: "user.me", token: "at-1" }]);
  });

  it("never refreshes for public procedures such as login", async () => {
    const tab = openTab(server, hub, lock);
    server.cookie = false;
    await tab.session.restore();

    expect(await tab.call("auth.login")).toEqual({ path: "auth.login", token: undefined });
    expect(server.refreshCalls).toBe(1);
  });

  it("sends the second step of a sign-in (the code after MFA_REQUIRED) at once, without a token", async () => {
    const tab = openTab(server, hub, lock);
    const restoring = tab.session.restore();

    const result = await tab.call("auth.verifyMfa");
    await restoring;

    // Like the password before it: no session to wait for, and none to renew on a refusal.
    expect(result).toEqual({ path: "auth.verifyMfa", token: undefined });
    expect(server.refreshCalls).toBe(1);
  });

  it("sends both halves of a passkey sign-in at once, without a token", async () => {
    const tab = openTab(server, hub, lock);
    const restoring = tab.session.restore();

    const results = await Promise.all(
      ["auth.beginPasskeyLogin", "auth.finishPasskeyLogin"].map((path) => tab.call(path)),
    );
    await restoring;

    // A sign-in like a password's: no session to wait for, and none to renew on a refusal.
    expect(results).toEqual([
      { path: "auth.beginPasskeyLogin", token: undefined },
      { path: "auth.finishPasskeyLogin", token: undefined },
    ]);
    expect(server.refreshCalls).toBe(1);
  });

  it("sends what an emailed link's page posts at once, not after the restore under way", async () => {
    const tab = openTab(server, hub, lock);
    const restoring = tab.session.restore();
    const paths = [
      "auth.requestPasswordReset",
      "auth.resetPassword",
      "auth.requestSignInLink",
      "auth.signInWithLink",
      "auth.verifyEmail",
      "auth.confirmEmailChange",
    ];

    const results = await Promise.all(paths.map((path) => tab.call(path)));
    await restoring;

    // Had they waited, they would carry the token the restore brought.
    expect(results).toEqual(paths.map((path) => ({ path, token: undefined })));
    expect(server.refreshCalls).toBe(1);
  });

  describe("with Sesame mounted under a key of the host's router", () => {
    const procedures = sesameProcedures({ prefix: "sesame" });

    it("sends the prefixed sign-ins at once, without a token", async () => {
      server = new FakeTokenServer(Date.now, 600, publicProcedures(procedures));
      const tab = openTab(server, hub, lock, undefined, procedures);
      const restoring = tab.session.restore();

      const results = await Promise.all(
        ["sesame.auth.login", "sesame.auth.verifyMfa"].map((path) => tab.call(path)),
      );
      await restoring;

      expect(results).toEqual([
        { path: "sesame.auth.login", token: undefined },
        { path: "sesame.auth.verifyMfa", token: undefined },
      ]);
    });

    it("treats the unprefixed path as one of the host's own: it waits for the session and carries its token", async () => {
      const tab = openTab(server, hub, lock, undefined, procedures);
      const restoring = tab.session.restore();

      const result = await tab.call("auth.login");
      await restoring;

      expect(result).toEqual({ path: "auth.login", token: "at-1" });
    });

    it("refreshes and retries a prefixed protected call like any other", async () => {
      const tab = openTab(server, hub, lock, undefined, procedures);
      tab.session.signIn(server.issue());
      server.expireIssuedTokens();

      const result = await tab.call("sesame.user.me");

      expect(server.refreshCalls).toBe(1);
      expect(result).toEqual({ path: "sesame.user.me", token: "at-2" });
    });
  });

  it("sends the host's own public procedures at once too", async () => {
    server = new FakeTokenServer(Date.now, 600, [
      ...publicProcedures(sesameProcedures()),
      "auth.catalog",
    ]);
    const session = openTab(server, hub, lock).session;
    const client = createTRPCUntypedClient({
      links: [authLink({ session, publicPaths: ["auth.catalog"] }), server.link()],
    });
    const restoring = session.restore();

    const result = await client.query("auth.catalog");
    await restoring;

    expect(result).toEqual({ path: "auth.catalog", token: undefined });
  });
});
