import { type AuthStorage, ManualClock, RequestBudget } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { authOn } from "./support/fixtures.ts";

describe.each(backends)("per-IP request budgets in the $dialect database", (backend: Backend) => {
  /** Checks the counters' failures add up to `total`: a spend answers once its count is committed. */
  const committed = async (storage: AuthStorage, total: number) => {
    const sum = () =>
      queryValue(backend, storage, "SELECT coalesce(sum(failures), 0) AS n FROM throttle_counters");
    expect(Number(await sum())).toBe(total);
  };

  it("counts concurrent requests: exactly the limit gets through", async () => {
    const storage = await backend.open();
    const budget = new RequestBudget(storage.throttle, new ManualClock(Date.now()), "test", 3, 60);
    const answers = await Promise.all(Array.from({ length: 6 }, () => budget.spend("10.0.0.1")));
    expect(answers.filter((retryAt) => retryAt === undefined)).toHaveLength(3);
    expect(await budget.spend("10.0.0.2")).toBeUndefined();
  });

  it("is one budget for two connections (two server processes)", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.now());
    const one = new RequestBudget(storage.throttle, clock, "test", 2, 60);
    const two = new RequestBudget(
      (await backend.openSecond(storage)).throttle,
      clock,
      "test",
      2,
      60,
    );
    expect(await one.spend("10.0.0.1")).toBeUndefined();
    await committed(storage, 1);
    expect(await two.spend("10.0.0.1")).toBeUndefined();
    await committed(storage, 2);
    expect(await one.spend("10.0.0.1")).toBe(clock.now() + 60_000);
    expect(await two.spend("10.0.0.1")).toBe(clock.now() + 60_000);
  });

  it("lets exactly the limit through when several processes spend at once", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.now());
    const connections = [
      storage,
      await backend.openSecond(storage),
      await backend.openSecond(storage),
    ];
    const budgets = connections.map((c) => new RequestBudget(c.throttle, clock, "test", 8, 60));
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) => budgets[i % budgets.length]?.spend(`10.0.1.${round}`)),
      );
      expect(answers.filter((retryAt) => retryAt === undefined)).toHaveLength(8);
      expect(answers.filter((retryAt) => retryAt === clock.now() + 60_000)).toHaveLength(16);
    }
    // Refused requests wrote nothing: the counters hold exactly what was let through.
    await committed(storage, 3 * 8);
  });

  it("refused requests write nothing, and the window reopens on time", async () => {
    const storage = await backend.open();
    const clock = new ManualClock(Date.now());
    const budget = new RequestBudget(storage.throttle, clock, "test", 1, 60);
    expect(await budget.spend("10.0.0.1")).toBeUndefined();
    await committed(storage, 1);
    // The row's version: SQLite's and PostgreSQL's change counters would count other writes too.
    const version = () =>
      backend.dialect === "sqlite"
        ? queryValue(backend, storage, "SELECT total_changes() AS n")
        : queryValue(backend, storage, "SELECT xmin::text AS n FROM throttle_counters");
    const before = await version();
    for (let i = 0; i < 20; i++) expect(await budget.spend("10.0.0.1")).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await version()).toBe(before);
    clock.advance(60_000);
    expect(await budget.spend("10.0.0.1")).toBeUndefined();
  });

  it("housekeeping deletes counters idle past every limit's memory, and keeps live ones", async () => {
    const storage = await backend.open();
    const { auth, clock } = await authOn(storage);
    await auth.requestBudgets.refresh.spend("10.0.0.1");
    await committed(storage, 1);
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    await auth.requestBudgets.refresh.spend("10.0.0.2");
    await committed(storage, 2);
    const rows = () => queryValue(backend, storage, "SELECT count(*) AS n FROM throttle_counters");
    expect(await rows()).toBe(2);
    expect((await auth.purgeExpired()).counters).toBe(1);
    expect(await rows()).toBe(1);
  });
});
