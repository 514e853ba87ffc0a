/**
 * Sesame's clock in the tests: real time plus an offset a test moves
 * forward, so access tokens expire on the server at once while the
 * browser's own clock runs on.
 */
export class ShiftingClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
