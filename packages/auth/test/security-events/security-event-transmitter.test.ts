import { createPublicKey } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  generateSigningKey,
  KeyRing,
  ManualClock,
  type Revocation,
  type RevocationFeed,
  staticKeyRing,
} from "../../src/index.ts";
import { SecurityEventTransmitter } from "../../src/security-events/security-event-transmitter.ts";
import { RevokedSessions } from "../../src/sessions/revoked-sessions.ts";
import { TEST_CONFIG } from "../support/keys.ts";

const SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
const NOTES = { id: "notes", secret: "notes-secret-notes-secret-notes-secret-0001" };
const BILLING = { id: "billing", secret: "billing-secret-billing-secret-billing-0002" };
const KEEP_MS = (TEST_CONFIG.accessTokenTtl + TEST_CONFIG.clockTolerance) * 1000;

/** The storage's feed as the core sees it: revocations other processes committed. */
class SharedDatabaseFeed implements RevocationFeed {
  private listener: ((revocations: Revocation[]) => void) | undefined;
  constructor(private readonly log: Revocation[]) {}
  async start(listener: (revocations: Revocation[]) => void) {
    this.listener = listener;
    listener([...this.log]);
  }
  deliver(revocation: Revocation) {
    this.log.push(revocation);
    this.listener?.([revocation]);
  }
  async stop() {
    this.listener = undefined;
  }
}

async function node(
  options: { log?: Revocation[]; clock?: ManualClock; ring?: KeyRing; longPollMs?: number } = {},
) {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 5, 1));
  const ring =
    options.ring ?? new KeyRing([await generateSigningKey("EdDSA", "current", clock.now())]);
  const feed = new SharedDatabaseFeed(options.log ?? []);
  const revoked = new RevokedSessions(feed, clock, KEEP_MS);
  const logged: string[] = [];
  const transmitter = new SecurityEventTransmitter(
    {
      revoked,
      keys: staticKeyRing(ring),
      clock,
      config: TEST_CONFIG,
      log: (line) => logged.push(line),
    },
    { receivers: [NOTES, BILLING], longPollMs: options.longPollMs ?? 2_000 },
  );
  await revoked.start();
  return { clock, ring, feed, revoked, transmitter, logged };
}

const now = () => Date.now();

describe("the security event transmitter", () => {
  it("knows each receiver by its secret alone, and nobody without one", async () => {
    const { transmitter } = await node();
    expect(transmitter.authenticate(NOTES.secret)).toBe("notes");
    expect(transmitter.authenticate(BILLING.secret)).toBe("billing");
    expect(transmitter.authenticate(`${NOTES.secret}x`)).toBeUndefined();
    expect(transmitter.authenticate("")).toBeUndefined();
    expect(transmitter.authenticate(undefined)).toBeUndefined();
  });

  it("refuses a configuration with a short secret, a shared secret or a repeated id", async () => {
    const { revoked, clock, ring } = await node();
    const deps = { revoked, keys: staticKeyRing(ring), clock, config: TEST_CONFIG, log: () => {} };
    const make = (receivers: { id: string; secret: string }[]) =>
      new SecurityEventTransmitter(deps, { receivers });
    expect(() => make([{ id: "notes", secret: "short" }])).toThrow(/at least 32/);
    expect(() => make([NOTES, { id: "other", secret: NOTES.secret }])).toThrow(/own secret/);
    expect(() => make([NOTES, { ...BILLING, id: "notes" }])).toThrow(/unique/);
    expect(() => make([{ id: "no spaces", secret: NOTES.secret }])).toThrow();
  });

  it("delivers a CAEP session-revoked SET signed with the access-token key, for its receiver only", async () => {
    const { clock, ring, revoked, transmitter } = await node();
    const revokedAt = clock.now();
    revoked.add("session-1", revokedAt);
    const { sets } = await transmitter.poll("notes", "", { returnImmediately: true });
    const [[jti, set] = ["", ""]] = Object.entries(sets);
    const header = decodeProtectedHeader(set);
    expect(header).toEqual({ alg: "EdDSA", typ: "secevent+jwt", kid: ring.signingKey().kid });
    const jwk = ring.jwks().keys[0];
    const { payload } = await jwtVerify(
      set,
      createPublicKey({ key: jwk as never, format: "jwk" }),
      {
        issuer: TEST_CONFIG.issuer,
        audience: "notes",
        typ: "secevent+jwt",
        currentDate: new Date(clock.now()),
      },
    );
    expect(payload).toEqual({
      iss: TEST_CONFIG.issuer,
      aud: "notes",
      jti,
      iat: Math.floor(clock.now() / 1000),
      toe: Math.floor(revokedAt / 1000),
      sub_id: { format: "opaque", id: "session-1" },
      events: {
        [SESSION_REVOKED]: {
          event_timestamp: Math.floor(revokedAt / 1000),
          sesame_tokens_expire_by: Math.ceil((revokedAt + KEEP_MS) / 1000),
        },
      },
    });
    // Another receiver gets its own SET, with its own audience and jti.
    const billing = await transmitter.poll("billing", "", { returnImmediately: true });
    expect(Object.keys(billing.sets)).toHaveLength(1);
    expect(Object.keys(billing.sets)[0]).not.toBe(jti);
  });

  it("gives one revocation the same jti on every delivery and on every node", async () => {
    const log: Revocation[] = [];
    const a = await node({ log });
    const b = await node({ log, clock: a.clock, ring: a.ring });
    a.revoked.add("session-1", a.clock.now());
    a.feed.deliver({ sessionId: "session-1", revokedAt: a.clock.now() }); // committed: B learns of it
    b.feed.deliver({ sessionId: "session-1", revokedAt: a.clock.now() });
    const first = Object.keys(
      (await a.transmitter.poll("notes", "", { returnImmediately: true })).sets,
    );
    const again = Object.keys(
      (await a.transmitter.poll("notes", "", { returnImmediately: true })).sets,
    );
    const fromB = Object.keys(
      (await b.transmitter.poll("notes", "", { returnImmediately: true })).sets,
    );
    expect(first).toHaveLength(1);
    expect(again).toEqual(first);
    expect(fromB).toEqual(first);
  });

  it("stops delivering what was acknowledged, to that receiver process only, on the node that got the ack", async () => {
    const log: Revocation[] = [];
    const a = await node({ log });
    const b = await node({ log, clock: a.clock, ring: a.ring });
    for (const n of [a, b]) n.feed.deliver({ sessionId: "s-1", revokedAt: a.clock.now() });
    const { sets } = await a.transmitter.poll("notes", "replica-1", { returnImmediately: true });
    const jti = Object.keys(sets)[0] ?? "";
    // The ack lands on the other node: it never sent the SET, but knows its jti.
    const acked = await b.transmitter.poll("notes", "replica-1", {
      ack: [jti],
      returnImmediately: true,
    });
    expect(acked.sets).toEqual({});
    // Another process of the same receiver still gets it; node A, never told, delivers it again.
    const other = await b.transmitter.poll("notes", "replica-2", { returnImmediately: true });
    expect(Object.keys(other.sets)).toEqual([jti]);
    const repeat = await a.transmitter.poll("notes", "replica-1", { returnImmediately: true });
    expect(Object.keys(repeat.sets)).toEqual([jti]);
  });

  it("counts setErrs as handled, and logs them for the operator", async () => {
    const { clock, revoked, transmitter, logged } = await node();
    revoked.add("s-1", clock.now());
    const jti =
      Object.keys((await transmitter.poll("notes", "", { returnImmediately: true })).sets)[0] ?? "";
    const after = await transmitter.poll("notes", "", {
      setErrs: { [jti]: { err: "invalid_key", description: "unknown kid" } },
      returnImmediately: true,
    });
    expect(after.sets).toEqual({});
    expect(logged).toEqual([
      `Security event receiver notes could not process SET ${jti}: invalid_key unknown kid`,
    ]);
  });

  it("holds a long poll until a revocation arrives, and answers it at once", async () => {
    const { clock, revoked, transmitter } = await node({ longPollMs: 10_000 });
    const started = now();
    const waiting = transmitter.poll("notes", "", {});
    setTimeout(() => revoked.add("s-late", clock.now()), 100);
    const { sets } = await waiting;
    expect(Object.keys(sets)).toHaveLength(1);
    expect(now() - started).toBeLessThan(2_000);
  });

  it("answers an empty long poll after the hold, when the client leaves, or on close", async () => {
    const { transmitter } = await node({ longPollMs: 150 });
    const started = now();
    expect(await transmitter.poll("notes", "", {})).toEqual({ sets: {} });
    expect(now() - started).toBeGreaterThanOrEqual(140);

    const client = new AbortController();
    const left = transmitter.poll("notes", "", {}, client.signal);
    client.abort();
    expect(await left).toEqual({ sets: {} });

    const slow = await node({ longPollMs: 60_000 });
    const held = slow.transmitter.poll("notes", "", {});
    slow.transmitter.close();
    expect(await held).toEqual({ sets: {} });
  });

  it("delivers only revocations whose sessions may still have a live access token", async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    // On record before this node started: one too old to matter, one recent.
    const log = [
      { sessionId: "long-ago", revokedAt: clock.now() - KEEP_MS - 1 },
      { sessionId: "recent", revokedAt: clock.now() - 60_000 },
    ];
    const { revoked, transmitter } = await node({ log, clock });
    const subjects = async () => {
      const { sets } = await transmitter.poll("notes", "fresh", { returnImmediately: true });
      return Object.values(sets).map((set) => {
        const payload = JSON.parse(Buffer.from(set.split(".")[1] ?? "", "base64url").toString());
        return payload.sub_id.id as string;
      });
    };
    expect(await subjects()).toEqual(["recent"]);
    revoked.add("now", clock.now());
    // Once the recent one's last token has expired, it is no longer offered.
    clock.advance(KEEP_MS - 60_000);
    expect(await subjects()).toEqual(["now"]);
    clock.advance(60_000);
    expect(await subjects()).toEqual([]);
  });

  it("caps a response at maxEvents and says more are available; maxEvents 0 only acknowledges", async () => {
    const { clock, revoked, transmitter } = await node();
    for (let i = 0; i < 5; i += 1) revoked.add(`s-${i}`, clock.now());
    const first = await transmitter.poll("notes", "", { maxEvents: 2, returnImmediately: true });
    expect(Object.keys(first.sets)).toHaveLength(2);
    expect(first.moreAvailable).toBe(true);
    const ackOnly = await transmitter.poll("notes", "", {
      ack: Object.keys(first.sets),
      maxEvents: 0,
    });
    expect(ackOnly).toEqual({ sets: {} });
    const rest = await transmitter.poll("notes", "", { returnImmediately: true });
    expect(Object.keys(rest.sets)).toHaveLength(3);
    expect(rest.moreAvailable).toBeUndefined();
  });
});
