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
    const key = {
      key: "login:ip:198.51.100.77",
      expireAfterMs: 60_000,
      anchor: "window_start",
    } as const;
    const [ip] = await storage.throttle.read([key], Date.now());
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
  const windowed = {
    key: "ip:198.51.100.1",
    expireAfterMs: 1_000,
    anchor: "window_start",
  } as const;
  const trailing = {
    key: "account:a@example.com",
    expireAfterMs: 1_000,
    anchor: "last_failure",
  } as const;

  it("adds up every failure recorded at once by several processes", async () => {
    const first = await backend.open();
    const processes = [first, await backend.openSecond(first), await backend.openSecond(first)];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        processes[i % 3]?.throttle.recordFailure([windowed, trailing], T0 + (i % 7)),
      ),
    );
    const counters = await first.throttle.read([windowed, trailing], T0 + 10);
    expect(counters.map(({ failures }) => failures)).toEqual([60, 60]);
  });

  it("an expired counter reads as zero and restarts at one, from its window's start or its last failure", async () => {
    const storage = await backend.open();
    const { throttle } = storage;
    const failures = async (now: number) =>
      (await throttle.read([windowed, trailing], now)).map((counter) => counter.failures);
    await throttle.recordFailure([windowed, trailing], T0);
    await throttle.recordFailure([windowed, trailing], T0 + 600);
    expect(await failures(T0 + 999)).toEqual([2, 2]);
    // The window opened at T0: gone at T0 + 1000. The last failure was at T0 + 600: not yet.
    expect(await failures(T0 + 1_000)).toEqual([0, 2]);
    await throttle.recordFailure([windowed, trailing], T0 + 1_500);
    expect(await failures(T0 + 1_500)).toEqual([1, 3]);
    const [restarted] = await throttle.read([windowed], T0 + 1_500);
    expect(restarted).toMatchObject({ windowStartedAt: T0 + 1_500, lastFailureAt: T0 + 1_500 });
    expect(await failures(T0 + 2_500)).toEqual([0, 0]);
    await throttle.recordFailure([trailing], T0 + 2_500);
    expect(await failures(T0 + 2_500)).toEqual([0, 1]);
  });

  it("clears a key, and purges counters idle before a time", async () => {
    const storage = await backend.open();
    const { throttle } = storage;
    await throttle.recordFailure([windowed], T0);
    await throttle.recordFailure([trailing], T0 + 5_000);
    await throttle.clear(trailing.key);
    expect((await throttle.read([trailing], T0 + 5_000))[0]?.failures).toBe(0);
    await throttle.recordFailure([trailing], T0 + 5_000);
    expect(await throttle.purgeIdleBefore(T0 + 1)).toBe(1);
    expect((await throttle.read([windowed, trailing], T0 + 5_000)).map((c) => c.failures)).toEqual([
      0, 1,
    ]);
  });
});
