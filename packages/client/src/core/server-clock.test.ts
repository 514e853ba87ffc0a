import { describe, expect, it } from "vitest";
import { ServerClock } from "./server-clock.ts";

const LOCAL = Date.UTC(2026, 0, 1, 12, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe("ServerClock", () => {
  it("keeps the device's time while the server agrees within a few seconds", () => {
    const clock = new ServerClock(() => LOCAL);

    clock.observe(httpDate(LOCAL - 2_000));

    expect(clock.now()).toBe(LOCAL);
    expect(clock.offsetMs).toBe(0);
  });

  it("takes the server's time from its Date header when the device's clock is minutes off", () => {
    const clock = new ServerClock(() => LOCAL);

    clock.observe(httpDate(LOCAL + 5 * 60_000));

    // The header is whole seconds, so the estimate is that second's middle.
    expect(clock.now()).toBe(LOCAL + 5 * 60_000 + 500);
  });

  it("holds the correction through the header's jitter, and follows a clock that is fixed", () => {
    let local = LOCAL;
    const clock = new ServerClock(() => local);
    clock.observe(httpDate(LOCAL - 120_000));
    const correction = clock.offsetMs;

    local += 1_300;
    clock.observe(httpDate(local - 120_000 + 1_000));
    expect(clock.offsetMs).toBe(correction);

    clock.observe(httpDate(local));
    expect(Math.abs(clock.offsetMs)).toBeLessThan(1_000);
  });

  it("ignores an answer without a usable Date header", () => {
    const clock = new ServerClock(() => LOCAL);

    clock.observe(null);
    clock.observe("not a date");

    expect(clock.offsetMs).toBe(0);
  });
});
