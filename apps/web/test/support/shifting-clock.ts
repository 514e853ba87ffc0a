import type { Clock } from "@sesame/auth";

/**
 * The server's clock: real time plus an offset a test moves forward, so tokens
 * expire on the server at once while the browser's own clock runs normally.
 */
export class ShiftingClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
