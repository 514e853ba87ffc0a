/**
 * The server's time as this client best knows it. A DPoP proof's `iat` must
 * be within the server's tolerance (±30 s), and a device's clock can be off
 * by minutes; the `Date` header of every answer (RFC 9110 §6.6.1) says what
 * time the server thinks it is, so proofs are dated in the server's time.
 */
export class ServerClock {
  private correctionMs = 0;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Milliseconds since the epoch, on the server's clock as last observed. */
  now(): number {
    return this.localNow() + this.correctionMs;
  }

  /** How far this device's clock is behind the server's (negative: ahead). */
  get offsetMs(): number {
    return this.correctionMs;
  }

  /** Learns from an answer's `Date` header; an absent or unparsable one changes nothing. */
  observe(dateHeader: string | null | undefined): void {
    if (!dateHeader) return;
    const serverMs = Date.parse(dateHeader);
    if (Number.isNaN(serverMs)) return;
    // The header is truncated to the second: the middle of that second is the best guess.
    const estimate = serverMs + 500 - this.localNow();
    // The header's resolution and the round trip make estimates jitter by a second or two; only a
    // real disagreement moves the correction, so it stays put and a moved one means something.
    if (Math.abs(estimate - this.correctionMs) > NOISE_MS) this.correctionMs = estimate;
  }
}

const NOISE_MS = 5_000;
