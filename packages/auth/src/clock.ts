import type { Clock } from "@sesame/verify/rules";

/** The time source of the core and of token verification: one interface, from the lower layer. */
export { type Clock, systemClock } from "@sesame/verify/rules";

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

export const toEpochSeconds = (ms: number): number => Math.floor(ms / 1000);
