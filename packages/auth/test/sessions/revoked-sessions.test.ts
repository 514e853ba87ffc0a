import { describe, expect, it } from "vitest";
import { ManualClock, type Revocation, type RevocationFeed } from "../../src/index.ts";
import { RevokedSessions } from "../../src/sessions/revoked-sessions.ts";
import { TEST_CONFIG } from "../support/keys.ts";

/** A revocation feed with a synchronous catch-up, as SQLite's: an append-only log read past a cursor. */
class FakeRevocationFeed implements RevocationFeed {
  private readonly log: Revocation[] = [];
  private cursor = 0;
  private listener: ((revocations: Revocation[]) => void) | undefined;

  revoke(sessionId: string, revokedAt: number): void {
    this.log.push({ sessionId, revokedAt });
  }

  async start(listener: (revocations: Revocation[]) => void): Promise<void> {
    this.listener = listener;
    this.catchUp();
  }

  catchUp(): void {
    if (!this.listener || this.cursor >= this.log.length) return;
    const fresh = this.log.slice(this.cursor);
    this.cursor = this.log.length;
    this.listener(fresh);
  }

  async stop(): Promise<void> {
    this.listener = undefined;
  }
}

// As the service computes it: the last access token of a revoked session is
// refused as expired once its TTL and the clock tolerance have passed.
const KEEP_MS = (TEST_CONFIG.accessTokenTtl + TEST_CONFIG.clockTolerance) * 1000;
// Expired ids are swept at most once a minute, so one may linger that long.
const SWEEP_MS = 60_000;

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const feed = new FakeRevocationFeed();
  const revoked = new RevokedSessions(feed, clock, KEEP_MS);
  void revoked.start();
  return { clock, feed, revoked };
}

describe("RevokedSessions", () => {
  it("counts this process's own revocation at once, before any feed delivers it", () => {
    const { clock, revoked } = setup();
    revoked.add("mine", clock.now());
    expect(revoked.has("mine")).toBe(true);
  });

  it("reports a session revoked as soon as the feed does, until its last token has expired", () => {
    const { clock, feed, revoked } = setup();
    expect(revoked.has("s1")).toBe(false);
    feed.revoke("s1", clock.now());
    expect(revoked.has("s1")).toBe(true);

    clock.advance(KEEP_MS - 1);
    expect(revoked.has("s1")).toBe(true);
    clock.advance(1 + SWEEP_MS);
    expect(revoked.has("s1")).toBe(false);
  });

  it("keeps each id from its own revocation time, whoever revoked it and when it was read", () => {
    const { clock, feed, revoked } = setup();
    const start = clock.now();
    // Another process revoked s1 a while before this one reads the feed.
    feed.revoke("s1", start - 5 * 60_000);
    feed.revoke("s2", start);
    expect(revoked.has("s1")).toBe(true);

    clock.set(start - 5 * 60_000 + KEEP_MS + SWEEP_MS);
    expect(revoked.has("s1")).toBe(false);
    expect(revoked.has("s2")).toBe(true);
    clock.set(start + KEEP_MS + SWEEP_MS);
    expect(revoked.has("s2")).toBe(false);
  });

  it("holds only the ids still within their keep time, however many sessions were revoked", () => {
    const { clock, feed, revoked } = setup();
    const start = clock.now();
    const ids = Array.from({ length: 120 }, (_, i) => `s${i}`);
    // Two hours of one revocation a minute, with requests checking in between.
    for (const id of ids) {
      feed.revoke(id, clock.now());
      revoked.has("some-live-session");
      clock.advance(30_000);
      revoked.has("some-live-session");
      clock.advance(30_000);
    }
    const now = clock.now();
    const kept = ids.filter((id) => revoked.has(id));
    const revokedAt = (id: string) => start + ids.indexOf(id) * 60_000;
    // Every id whose tokens may still be valid is there; of the rest, only
    // those awaiting the next sweep, so the set never outgrows the keep time.
    for (const id of ids) {
      if (revokedAt(id) + KEEP_MS > now) expect(kept, id).toContain(id);
      if (revokedAt(id) + KEEP_MS + SWEEP_MS <= now) expect(kept, id).not.toContain(id);
    }
    expect(kept.length).toBeLessThanOrEqual((KEEP_MS + SWEEP_MS) / 60_000);
  });
});
