import { AuthError, DEFAULT_THROTTLE, ManualClock } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends } from "./support/backends.ts";
import { authOn, email, META, PASSWORD } from "./support/fixtures.ts";

async function attempt(promise: Promise<unknown>): Promise<{ code: string; retryAt?: number }> {
  try {
    await promise;
    return { code: "ok" };
  } catch (error) {
    if (error instanceof AuthError) return { code: error.code, retryAt: error.details.retryAt };
    throw error;
  }
}

describe.each(backends)("login throttling on $dialect", (backend: Backend) => {
  async function setup() {
    const storage = await backend.open();
    const { auth, clock } = await authOn(storage);
    const address = email();
    await auth.accounts.register({ email: address, password: PASSWORD }, META);
    const login = (password: string, meta = META) =>
      attempt(auth.accounts.login({ email: address, password }, meta));
    return { auth, clock, address, login };
  }

  it("backs off after 5 failures with a retry time, doubling, and a success resets it", async () => {
    const { clock, login } = await setup();
    for (let i = 0; i < 5; i++)
      expect((await login("wrong password")).code).toBe("INVALID_CREDENTIALS");
    const limited = await login(PASSWORD);
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.retryAt).toBe(Math.ceil((clock.now() + 1000) / 1000));
    clock.advance(1_000);
    expect((await login("wrong password")).code).toBe("INVALID_CREDENTIALS");
    expect((await login("wrong password")).code).toBe("RATE_LIMITED");
    clock.advance(2_000);
    expect((await login(PASSWORD)).code).toBe("ok");
    for (let i = 0; i < 5; i++)
      expect((await login("wrong password")).code).toBe("INVALID_CREDENTIALS");
  });

  it("files a throttled attempt under the account, for its owner to see", async () => {
    const { auth, clock, address } = await setup();
    for (let i = 0; i < 6; i++) {
      await attempt(auth.accounts.login({ email: address, password: "wrong password" }, META));
    }
    clock.advance(60_000);
    const pair = await auth.accounts.login({ email: address, password: PASSWORD }, META);
    const events = await auth.auditLog(pair.user.id);
    // Repeated failures fold into one counted event.
    const failures = events.filter((event) => event.type === "login_failed");
    expect(failures.reduce((sum, event) => sum + event.count, 0)).toBe(5);
    expect(events.map((event) => event.type)).toContain("login_throttled");
  });

  it("stops hard long before 100 consecutive failures", async () => {
    const { clock, login } = await setup();
    let failures = 0;
    for (let i = 0; i < 100; i++) {
      const result = await login("wrong password");
      if (result.code === "INVALID_CREDENTIALS") failures++;
      else clock.advance(15 * 60 * 1000 + 1000); // wait out each back-off
      if (
        result.code === "RATE_LIMITED" &&
        (result.retryAt ?? 0) * 1000 - clock.now() > 30 * 60 * 1000
      )
        break;
    }
    expect(failures).toBeLessThanOrEqual(20);
    expect((await login(PASSWORD)).code).toBe("RATE_LIMITED");
  });

  it("counts parallel guesses: 20 at once cannot all slip past the limit", async () => {
    const { login } = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => login("wrong password")));
    const wrong = results.filter((r) => r.code === "INVALID_CREDENTIALS").length;
    expect(wrong).toBe(5);
  });

  it("checks exactly the free failures when parallel guesses hit several processes at once", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.now());
    const cores = [storage, await backend.openSecond(storage), await backend.openSecond(storage)];
    const auths = await Promise.all(cores.map(async (c) => (await authOn(c, clock)).auth));
    const known = email();
    await auths[0]?.accounts.register({ email: known, password: PASSWORD }, META);
    // A known account and an unknown email are throttled alike.
    for (const address of [known, email()]) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          attempt(
            auths[i % auths.length]?.accounts.login(
              { email: address, password: "wrong password" },
              META,
            ) ?? Promise.resolve(),
          ),
        ),
      );
      const checked = results.filter((r) => r.code === "INVALID_CREDENTIALS");
      expect(checked).toHaveLength(DEFAULT_THROTTLE.accountFreeFailures);
      expect(results.filter((r) => r.code === "RATE_LIMITED")).toHaveLength(
        12 - DEFAULT_THROTTLE.accountFreeFailures,
      );
    }
  });

  it("gives the network's claimed failure back when the password passes", async () => {
    const storage = await backend.open();
    const { auth } = await authOn(storage);
    const address = email();
    await auth.accounts.register({ email: address, password: PASSWORD }, META);
    const meta = { ip: "198.51.100.77", userAgent: null };
    await attempt(auth.accounts.login({ email: address, password: "wrong password" }, meta));
    await auth.accounts.login({ email: address, password: PASSWORD }, meta);
    const [ip] = await storage.throttle.readStored(["login:ip:198.51.100.77"]);
    expect(ip?.failures).toBe(1);
  });

  it("treats an unknown email exactly like a wrong password", async () => {
    const { auth } = await setup();
    const ghost = email();
    const codes = [];
    for (let i = 0; i < 6; i++) {
      codes.push(
        (await attempt(auth.accounts.login({ email: ghost, password: PASSWORD }, META))).code,
      );
    }
    expect(codes).toEqual([...Array(5).fill("INVALID_CREDENTIALS"), "RATE_LIMITED"]);
  });

  it("limits failures per IP across many accounts", async () => {
    const { auth } = await setup();
    const meta = { ip: "198.51.100.9", userAgent: null };
    const codes = [];
    for (let i = 0; i < 101; i++) {
      codes.push(
        (await attempt(auth.accounts.login({ email: email(), password: PASSWORD }, meta))).code,
      );
    }
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(100);
    expect(codes.at(-1)).toBe("RATE_LIMITED");
  });
});

describe.each(backends)("the throttle store on $dialect", (backend: Backend) => {
  const T0 = Date.UTC(2026, 0, 1, 12);
  const first = (key: string) => ({ key, failures: 1, windowStartedAt: T0, lastFailureAt: T0 });

  it("a claim made at once by several processes from one read wins exactly once", async () => {
    const one = await backend.open();
    const processes = [one, await backend.openSecond(one), await backend.openSecond(one)];
    const won = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        processes[i % 3]?.throttle.claim([
          {
            key: "account:a@example.com",
            expected: undefined,
            next: first("account:a@example.com"),
          },
          { key: "ip:198.51.100.1", expected: undefined, next: first("ip:198.51.100.1") },
        ]),
      ),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const stored = await one.throttle.readStored(["account:a@example.com", "ip:198.51.100.1"]);
    expect(stored.map((row) => row?.failures)).toEqual([1, 1]);
  });

  it("a claim whose any row moved since it was read writes nothing at all", async () => {
    const { throttle } = await backend.open();
    expect(await throttle.claim([{ key: "a", expected: undefined, next: first("a") }])).toBe(true);
    const stale = await throttle.claim([
      { key: "b", expected: undefined, next: first("b") },
      // `a` is stored now, so a claim expecting no row for it has lost.
      { key: "a", expected: undefined, next: { ...first("a"), failures: 2 } },
    ]);
    expect(stale).toBe(false);
    expect((await throttle.readStored(["a", "b"])).map((row) => row?.failures)).toEqual([
      1,
      undefined,
    ]);
    const [a] = await throttle.readStored(["a"]);
    const next = { ...first("a"), failures: 2, lastFailureAt: T0 + 5 };
    expect(await throttle.claim([{ key: "a", expected: a, next }])).toBe(true);
    expect((await throttle.readStored(["a"]))[0]).toMatchObject({
      failures: 2,
      lastFailureAt: T0 + 5,
    });
  });

  it("gives a failure back, never below zero; clears a key, and purges counters idle before a time", async () => {
    const { throttle } = await backend.open();
    await throttle.claim([{ key: "ip", expected: undefined, next: first("ip") }]);
    await throttle.giveBack("ip");
    await throttle.giveBack("ip");
    expect((await throttle.readStored(["ip"]))[0]?.failures).toBe(0);
    const later = {
      key: "account",
      failures: 1,
      windowStartedAt: T0 + 5_000,
      lastFailureAt: T0 + 5_000,
    };
    await throttle.claim([{ key: "account", expected: undefined, next: later }]);
    await throttle.clear("account");
    expect((await throttle.readStored(["account"]))[0]).toBeUndefined();
    await throttle.claim([{ key: "account", expected: undefined, next: later }]);
    expect(await throttle.purgeIdleBefore(T0 + 1)).toBe(1);
    expect((await throttle.readStored(["ip", "account"])).map((row) => row?.failures)).toEqual([
      undefined,
      1,
    ]);
  });
});
