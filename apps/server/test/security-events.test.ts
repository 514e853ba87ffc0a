import { join } from "node:path";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { readEnv } from "../src/env.ts";
import { PASSWORD, signedUp, startTestServer, type TestServer } from "./support/test-server.ts";

const SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
const NOTES = { id: "notes", secret: "notes-secret-notes-secret-notes-secret-0001" };
const BILLING = { id: "billing", secret: "billing-secret-billing-secret-billing-0002" };
const RECEIVERS = { SECURITY_EVENT_RECEIVERS: JSON.stringify([NOTES, BILLING]) };

interface PollAnswer {
  status: number;
  headers: Headers;
  body: {
    sets?: Record<string, string>;
    moreAvailable?: boolean;
    err?: string;
    description?: string;
  };
}

/** One RFC 8936 poll over HTTP, as any receiver would send it. */
async function poll(
  server: TestServer,
  body: unknown,
  options: { secret?: string; instance?: string; contentType?: string; raw?: string } = {},
): Promise<PollAnswer> {
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
  };
  if (options.secret !== undefined) headers.authorization = `Bearer ${options.secret}`;
  if (options.instance !== undefined) headers["sesame-receiver-instance"] = options.instance;
  const response = await fetch(`${server.url}/auth/events/poll`, {
    method: "POST",
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;

/** A user signed in, then logged out: the session id its access tokens carried. */
async function loggedOut(server: TestServer): Promise<string> {
  const { client, result } = await signedUp(server);
  await client.api.auth.logout.mutate({});
  return claimsOf(result.accessToken).sid as string;
}

describe("SECURITY_EVENT_RECEIVERS", () => {
  it("is a JSON array of {id, secret}; a bad one names the variable, never the secret", () => {
    expect(readEnv({}).SECURITY_EVENT_RECEIVERS).toEqual([]);
    expect(readEnv({ SECURITY_EVENT_RECEIVERS: "" }).SECURITY_EVENT_RECEIVERS).toEqual([]);
    expect(readEnv(RECEIVERS).SECURITY_EVENT_RECEIVERS).toEqual([NOTES, BILLING]);
    const bad = [
      "notes:secret",
      JSON.stringify([{ id: "notes", secret: "too-short-to-guess" }]),
      JSON.stringify([NOTES, { id: "notes", secret: BILLING.secret }]),
      JSON.stringify([NOTES, { id: "copy", secret: NOTES.secret }]),
    ];
    for (const value of bad) {
      const message = (() => {
        try {
          readEnv({ SECURITY_EVENT_RECEIVERS: value });
          return "accepted";
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message, value).toMatch(/SECURITY_EVENT_RECEIVERS/);
      expect(message).not.toContain("too-short-to-guess");
      expect(message).not.toContain(NOTES.secret);
    }
  });
});

describe("the revocation feed (RFC 8936 poll of CAEP session-revoked SETs)", () => {
  it("answers 401 and no event without a receiver's secret", async () => {
    const server = await startTestServer(RECEIVERS);
    await loggedOut(server);
    for (const secret of [
      undefined,
      "",
      `${NOTES.secret}x`,
      "wrong-secret-wrong-secret-wrong-secret",
    ]) {
      const answer = await poll(server, { returnImmediately: true }, { secret });
      expect(answer.status, String(secret)).toBe(401);
      expect(answer.body).toEqual({
        err: "authentication_failed",
        description: "A receiver's bearer secret is required.",
      });
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="sesame-security-events"');
    }
    // Not configured at all: nobody may poll.
    const bare = await startTestServer();
    await loggedOut(bare);
    expect((await poll(bare, { returnImmediately: true }, { secret: NOTES.secret })).status).toBe(
      401,
    );
  });

  it("turns a logout into a SET that the published JWKS verifies, naming the token's sid", async () => {
    const server = await startTestServer(RECEIVERS);
    const discovery = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    expect(discovery.security_event_poll_endpoint).toBe(`${server.issuer}/auth/events/poll`);

    const sid = await loggedOut(server);
    const answer = await poll(server, { returnImmediately: true }, { secret: NOTES.secret });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const entries = Object.entries(answer.body.sets ?? {});
    expect(entries).toHaveLength(1);
    const [jti, set] = entries[0] as [string, string];
    expect(decodeProtectedHeader(set)).toMatchObject({ alg: "EdDSA", typ: "secevent+jwt" });

    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload } = await jwtVerify(set, jwks, {
      issuer: server.issuer,
      audience: "notes",
      typ: "secevent+jwt",
      algorithms: ["EdDSA"],
      currentDate: new Date(server.clock.now()),
    });
    const toe = Math.floor(server.clock.now() / 1000);
    expect(payload).toMatchObject({
      jti,
      toe,
      sub_id: { format: "opaque", id: sid },
      events: {
        // No token of the session outlives its revocation by more than ACCESS_TOKEN_TTL + CLOCK_TOLERANCE.
        [SESSION_REVOKED]: {
          event_timestamp: toe,
          sesame_tokens_expire_by: Math.ceil((server.clock.now() + (600 + 30) * 1000) / 1000),
        },
      },
    });

    // Not acknowledged: the same SET's jti again. Acknowledged: gone.
    const again = await poll(server, { returnImmediately: true }, { secret: NOTES.secret });
    expect(Object.keys(again.body.sets ?? {})).toEqual([jti]);
    const acked = await poll(
      server,
      { ack: [jti], returnImmediately: true },
      { secret: NOTES.secret },
    );
    expect(acked.body).toEqual({ sets: {} });
    // The other receiver has its own SET for the same logout, with its own audience.
    const billing = await poll(server, { returnImmediately: true }, { secret: BILLING.secret });
    const [billingSet] = Object.values(billing.body.sets ?? {});
    expect(claimsOf(billingSet ?? "")).toMatchObject({ aud: "billing", sub_id: { id: sid } });
  });

  it("holds a long poll until a session is revoked, then answers at once", async () => {
    const server = await startTestServer(RECEIVERS);
    const { client, result } = await signedUp(server);
    const started = Date.now();
    const waiting = poll(server, {}, { secret: NOTES.secret });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const loggedOutAt = Date.now();
    await client.api.auth.logout.mutate({});
    const answer = await waiting;
    const delay = Date.now() - loggedOutAt;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(delay).toBeLessThan(1_000);
    const [set] = Object.values(answer.body.sets ?? {});
    expect(claimsOf(set ?? "")).toMatchObject({ sub_id: { id: claimsOf(result.accessToken).sid } });
  });

  it("a shutdown answers a held long poll at once instead of waiting out the drain", async () => {
    const server = await startTestServer(RECEIVERS);
    const waiting = poll(server, {}, { secret: NOTES.secret });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = Date.now();
    await server.close();
    expect((await waiting).status).toBe(200);
    // The drain allows 10 s for requests in flight; a held poll must not use them up.
    expect(Date.now() - closing).toBeLessThan(5_000);
  });

  it("logging out everywhere, revoking a device and changing the password each reach the feed", async () => {
    const server = await startTestServer(RECEIVERS);
    const first = await signedUp(server);
    const second = server.client();
    const pair = await second.api.auth.login.mutate({
      email: first.email,
      password: PASSWORD,
      transport: "body",
    });
    second.accessToken = pair.accessToken;
    const third = server.client();
    third.accessToken = (
      await third.api.auth.login.mutate({
        email: first.email,
        password: PASSWORD,
        transport: "body",
      })
    ).accessToken;
    const sids = [first.result.accessToken, pair.accessToken, third.accessToken ?? ""].map(
      (token) => claimsOf(token).sid as string,
    );
    await first.client.api.session.revoke.mutate({ sessionId: sids[1] ?? "" });
    await first.client.api.user.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: "another horse battery staple",
    });
    await first.client.api.auth.logoutAll.mutate();
    const answer = await poll(server, { returnImmediately: true }, { secret: NOTES.secret });
    const subjects = Object.values(answer.body.sets ?? {}).map(
      (set) => (claimsOf(set).sub_id as { id: string }).id,
    );
    expect(subjects.sort()).toEqual([...sids].sort());
  });

  it("offers a new receiver process the recent revocations only, never older ones", async () => {
    const server = await startTestServer(RECEIVERS);
    const old = await loggedOut(server);
    // Past ACCESS_TOKEN_TTL + CLOCK_TOLERANCE, no token of that session can be accepted anywhere.
    server.clock.advance((600 + 30 + 1) * 1000);
    const recent = await loggedOut(server);
    const fresh = await poll(
      server,
      { returnImmediately: true },
      { secret: NOTES.secret, instance: "replica-7" },
    );
    const subjects = Object.values(fresh.body.sets ?? {}).map(
      (set) => (claimsOf(set).sub_id as { id: string }).id,
    );
    expect(subjects).toEqual([recent]);
    expect(subjects).not.toContain(old);
  });

  it("keeps acknowledgements per receiver process: one replica's ack hides nothing from another", async () => {
    const server = await startTestServer(RECEIVERS);
    await loggedOut(server);
    const one = await poll(
      server,
      { returnImmediately: true },
      { secret: NOTES.secret, instance: "one" },
    );
    const jtis = Object.keys(one.body.sets ?? {});
    await poll(server, { ack: jtis, maxEvents: 0 }, { secret: NOTES.secret, instance: "one" });
    expect(
      (await poll(server, { returnImmediately: true }, { secret: NOTES.secret, instance: "one" }))
        .body.sets,
    ).toEqual({});
    const two = await poll(
      server,
      { returnImmediately: true },
      { secret: NOTES.secret, instance: "two" },
    );
    expect(Object.keys(two.body.sets ?? {})).toEqual(jtis);
  });

  it("answers bad input with a typed error, never a 500", async () => {
    const server = await startTestServer(RECEIVERS);
    const secret = NOTES.secret;
    const cases: Array<[string, Promise<PollAnswer>, number]> = [
      ["not JSON", poll(server, undefined, { secret, raw: "{not json" }), 400],
      [
        "a form",
        poll(server, undefined, {
          secret,
          raw: "ack=1",
          contentType: "application/x-www-form-urlencoded",
        }),
        415,
      ],
      ["an array", poll(server, [], { secret }), 400],
      ["ack not a list", poll(server, { ack: "x" }, { secret }), 400],
      ["a negative maxEvents", poll(server, { maxEvents: -1 }, { secret }), 400],
      ["a bad instance", poll(server, {}, { secret, instance: "a/b" }), 400],
      ["a huge body", poll(server, { ack: ["x".repeat(300_000)] }, { secret }), 413],
    ];
    for (const [name, answer, status] of cases) {
      const { status: got, body } = await answer;
      expect(got, name).toBe(status);
      expect(body.err, name).toBe("invalid_request");
      expect(typeof body.description, name).toBe("string");
    }
  });

  it("is answered by any node: a logout on one reaches a poll held on another", async () => {
    const a = await startTestServer(RECEIVERS);
    const b = await startTestServer({
      ...RECEIVERS,
      DATABASE_URL: a.databaseUrl,
      SIGNING_KEYS_FILE: join(a.dir, "keys.json"),
      SERVER_SECRET_FILE: join(a.dir, "server-secret"),
      KEY_ENCRYPTION_SECRET_FILE: join(a.dir, "key-encryption-secret"),
    });
    const { client, result } = await signedUp(b);
    const waiting = poll(a, {}, { secret: NOTES.secret });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const loggedOutAt = Date.now();
    await client.api.auth.logout.mutate({});
    const answer = await waiting;
    expect(Date.now() - loggedOutAt).toBeLessThan(1_500);
    const [[jti, set] = ["", ""]] = Object.entries(answer.body.sets ?? {});
    expect(claimsOf(set)).toMatchObject({ sub_id: { id: claimsOf(result.accessToken).sid } });
    // The same revocation from node B carries the same jti: a receiver sees the duplicate.
    const fromB = await poll(b, { returnImmediately: true }, { secret: NOTES.secret });
    expect(Object.keys(fromB.body.sets ?? {})).toEqual([jti]);
  });
});
