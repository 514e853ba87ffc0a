import { ManualClock, RequestBudget } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import type { SqliteStorage } from "../src/index.ts";
import { authOn, freshDatabaseFile, openStorage } from "./support/fixtures.ts";

describe("per-IP request budgets in the database", () => {
  it("counts concurrent requests before their writes commit: exactly the limit gets through", async () => {
    const storage = openStorage(freshDatabaseFile());
    const budget = new RequestBudget(storage.throttle, new ManualClock(Date.now()), "test", 3, 60);
    const answers = await Promise.all(Array.from({ length: 6 }, () => budget.spend("10.0.0.1")));
    expect(answers.filter((retryAt) => retryAt === undefined)).toHaveLength(3);
    expect(await budget.spend("10.0.0.2")).toBeUndefined();
  });

  it("is one budget for two connections (two server processes)", async () => {
    const file = freshDatabaseFile();
    const clock = new ManualClock(Date.now());
    const one = new RequestBudget(openStorage(file).throttle, clock, "test", 2, 60);
    const two = new RequestBudget(openStorage(file).throttle, clock, "test", 2, 60);
    expect(await one.spend("10.0.0.1")).toBeUndefined();
    await waitForCommits();
    expect(await two.spend("10.0.0.1")).toBeUndefined();
    await waitForCommits();
    expect(await one.spend("10.0.0.1")).toBe(clock.now() + 60_000);
    expect(await two.spend("10.0.0.1")).toBe(clock.now() + 60_000);
  });

  it("refused requests write nothing, and the window reopens on time", async () => {
    const storage = openStorage(freshDatabaseFile());
    const clock = new ManualClock(Date.now());
    const budget = new RequestBudget(storage.throttle, clock, "test", 1, 60);
    expect(await budget.spend("10.0.0.1")).toBeUndefined();
    await waitForCommits();
    const changes = storage.sqlite.prepare("SELECT total_changes()").pluck();
    const before = changes.get();
    for (let i = 0; i < 20; i++) expect(await budget.spend("10.0.0.1")).toBeDefined();
    await waitForCommits();
    expect(changes.get()).toBe(before);
    clock.advance(60_000);
    expect(await budget.spend("10.0.0.1")).toBeUndefined();
  });

  it("housekeeping deletes counters idle past every limit's memory, and keeps live ones", async () => {
    const storage = openStorage(freshDatabaseFile());
    const { auth, clock } = await authOn(storage);
    await auth.requestBudgets.refresh.spend("10.0.0.1");
    await waitForCommits();
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    await auth.requestBudgets.refresh.spend("10.0.0.2");
    await waitForCommits();
    expect(counterRows(storage)).toBe(2);
    expect((await auth.purgeExpired()).counters).toBe(1);
    expect(counterRows(storage)).toBe(1);
  });
});

const counterRows = (storage: SqliteStorage) =>
  storage.sqlite.prepare("SELECT count(*) FROM throttle_counters").pluck().get();

/** Lets group-committed writes land (they commit on the next turn of the event loop). */
const waitForCommits = () => new Promise((resolve) => setImmediate(resolve));
