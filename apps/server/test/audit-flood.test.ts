import type { AuditEvent } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  type TestClient,
  type TestServer,
} from "./support/test-server.ts";

/**
 * The finding: 149 wrong passwords from one address pushed the attacker's own
 * successful sign-in off the activity page. Failures now fold into counted
 * rows, sign-ins never do, and an account adds a bounded number of rows an hour.
 */

const ATTACKER = "flood-bot/1.0";
/** Every guess reaches the password check and is audited: the account throttle alone answers, and never for long. */
const FLOOD_ENV = {
  LOGIN_MAX_DELAY: "1",
  LOGIN_LOCKOUT_FAILURES: "1000",
  LOGIN_IP_MAX_FAILURES: "1000",
  RATE_LIMIT_SIGN_IN: "1000",
  RATE_LIMIT_REFRESH: "1000",
};
const HOUR = 60 * 60 * 1000;

interface LoginAnswer {
  status: number;
  body: {
    result?: { data: { accessToken: string; refreshToken: string } };
    error?: { data: { authCode: string; retryAt?: number } };
  };
}

async function login(server: TestServer, email: string, password: string): Promise<LoginAnswer> {
  const response = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": ATTACKER },
    body: JSON.stringify({ email, password, transport: "body" }),
  });
  return { status: response.status, body: await response.json() };
}

/** What the attacker's guesses were answered: a wrong password (401) or a pause (429). */
class Tally {
  failed = 0;
  throttled = 0;

  count(answer: LoginAnswer): void {
    if (answer.status === 401) this.failed++;
    else if (answer.status === 429) this.throttled++;
    else throw new Error(`Unexpected answer ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/** `n` wrong passwords, waiting out every other pause, so failures and pauses interleave. */
async function guess(server: TestServer, email: string, n: number, tally: Tally): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = await login(server, email, "wrong password");
    tally.count(answer);
    if (answer.status === 429 && i % 2 === 0) server.clock.advance(1_000);
  }
}

/** The right password, waiting out any pause first (each pause is audited like a guess). */
async function signIn(server: TestServer, email: string, tally: Tally): Promise<string> {
  for (;;) {
    const answer = await login(server, email, PASSWORD);
    if (answer.status === 200 && answer.body.result) return answer.body.result.data.accessToken;
    tally.count(answer);
    const retryAt = answer.body.error?.data.retryAt ?? 0;
    server.clock.advance(Math.max(1, retryAt * 1000 - server.clock.now()));
  }
}

const total = (events: AuditEvent[], type: string) =>
  events.filter((e) => e.type === type).reduce((sum, e) => sum + e.count, 0);

/** Every event of the client's user, a page of 200 at a time. */
async function wholeLog(client: TestClient): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (;;) {
    const page = await client.api.audit.list.query({ limit: 200, before: events.at(-1)?.id });
    events.push(...page);
    if (page.length < 200 || events.length > 10_000) return events;
  }
}

/** The user's row ids straight from the database, newest first. */
const idsInDatabase = async (server: TestServer, email: string): Promise<number[]> =>
  (
    await server.query<{ id: number }>(
      "SELECT a.id FROM audit_events a JOIN users u ON u.id = a.user_id WHERE u.email = ? ORDER BY a.id DESC",
      email,
    )
  ).map((row) => row.id);

describe("the audit log under a flood of sign-in attempts", () => {
  it("149 wrong passwords, a sign-in, 60 more: the sign-in stays on the first page and the counts add up", async () => {
    const server = await startTestServer(FLOOD_ENV);
    const { email } = await signedUp(server);
    const tally = new Tally();

    await guess(server, email, 149, tally);
    const accessToken = await signIn(server, email, tally);
    await guess(server, email, 60, tally);
    expect(tally.failed).toBeGreaterThan(5);
    expect(tally.throttled).toBeGreaterThan(5);

    const events = await server.client({ accessToken }).api.audit.list.query();
    expect(events.map((e) => e.type)).toEqual([
      "login_throttled",
      "login_failed",
      "login_succeeded",
      "login_throttled",
      "login_failed",
      "email_sent",
      "email_verification_requested",
      "register",
    ]);
    expect(events.find((e) => e.type === "login_succeeded")).toMatchObject({
      count: 1,
      userAgent: ATTACKER,
      ip: "127.0.0.1",
    });
    expect(total(events, "login_failed")).toBe(tally.failed);
    expect(total(events, "login_throttled")).toBe(tally.throttled);
    for (const e of events) {
      expect(Date.parse(e.firstAt), e.type).toBeLessThanOrEqual(Date.parse(e.at));
      if (e.count === 1) expect(e.firstAt).toBe(e.at);
    }
    // A folded row's time is its latest occurrence: the last guess is one of them.
    expect(Math.max(...events.map((e) => Date.parse(e.at)))).toBe(server.clock.now());
  });

  it("pages with `before` walk the whole log, newest first, without gaps or repeats", async () => {
    const server = await startTestServer(FLOOD_ENV);
    const { email, client, refreshToken } = await signedUp(server);
    const tally = new Tally();
    let token = refreshToken;
    // Every sign-in ends a run of failures, so each round adds two rows; the
    // refreshes of the one session fold into one.
    for (let round = 0; round < 15; round++) {
      await guess(server, email, 3, tally);
      await signIn(server, email, tally);
      token = (await client.api.auth.refresh.mutate({ refreshToken: token })).refreshToken ?? "";
    }
    client.accessToken = (
      await client.api.auth.refresh.mutate({ refreshToken: token })
    ).accessToken;
    const everything = await idsInDatabase(server, email);
    expect(everything.length).toBeGreaterThan(30);

    const walked: AuditEvent[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await client.api.audit.list.query({ limit: 7, before });
      walked.push(...page);
      if (page.length < 7 || walked.length > everything.length) break;
      before = page.at(-1)?.id;
      // New events meanwhile land above the walk, never inside it.
      if (walked.length === 7) await guess(server, email, 1, tally);
    }
    expect(walked.map((e) => e.id)).toEqual(everything);
    expect(total(walked, "login_failed") + total(walked, "login_throttled")).toBe(
      tally.failed + tally.throttled - 1,
    );
    const fresh = await client.api.audit.list.query({ limit: 1 });
    expect(fresh[0]?.id).toBeGreaterThan(everything[0] ?? 0);
  });

  it("filters by type, alone or with `before`, and refuses a malformed page", async () => {
    const server = await startTestServer(FLOOD_ENV);
    const { email, client } = await signedUp(server);
    const tally = new Tally();
    for (let round = 0; round < 3; round++) {
      await guess(server, email, 2, tally);
      await signIn(server, email, tally);
    }
    const all = await client.api.audit.list.query({ limit: 200 });
    const signIns = await client.api.audit.list.query({ types: ["login_succeeded", "register"] });
    expect(signIns.map((e) => e.type)).toEqual([
      "login_succeeded",
      "login_succeeded",
      "login_succeeded",
      "register",
    ]);
    expect(signIns).toEqual(
      all.filter((e) => e.type === "login_succeeded" || e.type === "register"),
    );
    const olderFailures = await client.api.audit.list.query({
      types: ["login_failed"],
      before: signIns[0]?.id,
    });
    expect(olderFailures.length).toBeGreaterThan(0);
    for (const e of olderFailures) {
      expect(e.type).toBe("login_failed");
      expect(e.id).toBeLessThan(signIns[0]?.id ?? 0);
    }

    const api = client.api.audit.list;
    expect(await authCodeOf(api.query({ types: [] }))).toBe("INVALID_INPUT");
    // @ts-expect-error: not an event type
    expect(await authCodeOf(api.query({ types: ["login_maybe"] }))).toBe("INVALID_INPUT");
    expect(await authCodeOf(api.query({ before: 0 }))).toBe("INVALID_INPUT");
    expect(await authCodeOf(api.query({ before: 1.5 }))).toBe("INVALID_INPUT");
  });

  it("an account adds at most 100 rows of repeatable events an hour; sign-ins are always written", async () => {
    const server = await startTestServer(FLOOD_ENV);
    const { email, client } = await signedUp(server);
    // 110 sessions, each refreshed once: one refresh row per session, until the cap.
    let last: { refreshToken?: string } | undefined;
    for (let i = 0; i < 110; i++) {
      const answer = await login(server, email, PASSWORD);
      const refreshToken = answer.body.result?.data.refreshToken ?? "";
      last = await client.api.auth.refresh.mutate({ refreshToken });
    }
    const fresh = await client.api.auth.refresh.mutate({ refreshToken: last?.refreshToken ?? "" });
    client.accessToken = fresh.accessToken;
    const events = await wholeLog(client);
    const refreshes = events.filter((e) => e.type === "refresh");
    expect(refreshes).toHaveLength(100);
    expect(total(events, "refresh")).toBe(111);
    expect(refreshes[0]?.count).toBe(12);
    expect(events.filter((e) => e.type === "login_succeeded")).toHaveLength(110);
    expect(await idsInDatabase(server, email)).toHaveLength(3 + 110 + 100);

    // The next hour has a budget of its own.
    server.clock.advance(HOUR + 1);
    const later = await client.api.auth.refresh.mutate({ refreshToken: fresh.refreshToken });
    client.accessToken = later.accessToken;
    const [newest] = await client.api.audit.list.query({ limit: 1 });
    expect(newest).toMatchObject({ type: "refresh", count: 1 });
  });
});
