import { SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRemoteVerifier,
  type RemoteVerifier,
  type RemoteVerifierOptions,
  type RevocationFeedOptions,
  TokenError,
} from "../src/index.ts";
import {
  AUDIENCE,
  type IssuerStub,
  ManualClock,
  RECEIVER_ID,
  RECEIVER_SECRET,
  SESSION_REVOKED,
  startIssuerStub,
  stubKey,
} from "./support/issuer-stub.ts";

const verifiers: RemoteVerifier[] = [];

async function setup(
  feed: Partial<RevocationFeedOptions> = {},
  options: Partial<RemoteVerifierOptions> = {},
) {
  const clock = new ManualClock(Date.now());
  const stub = await startIssuerStub(() => clock.now());
  const errors: string[] = [];
  const verifier = createRemoteVerifier({
    issuer: stub.issuer,
    audience: AUDIENCE,
    clock,
    revocations: {
      receiverId: RECEIVER_ID,
      secret: RECEIVER_SECRET,
      retryMinMs: 20,
      retryMaxMs: 200,
      onError: (error) => errors.push(error.message),
      ...feed,
    },
    ...options,
  });
  verifiers.push(verifier);
  return { clock, stub, verifier, errors };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The poll currently held by the stub (a long poll waiting for an event). */
const heldPolls = (stub: IssuerStub) =>
  stub.feed.calls.filter((call) => call.body.returnImmediately === false).length;

describe("following Sesame's revocation feed", () => {
  it("refuses a revoked session's token as soon as the held poll delivers it, with no request per verification", async () => {
    const { stub, verifier } = await setup();
    const token = await stub.accessToken({ sid: "s-logged-out" });
    const other = await stub.accessToken({ sid: "s-still-in" });
    await verifier.revocations?.synced;
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    await until(() => heldPolls(stub) >= 1);

    const requestsBefore = stub.total();
    const revokedAt = Date.now();
    stub.feed.push("jti-1", await stub.sessionRevokedSet({ sid: "s-logged-out", jti: "jti-1" }));
    await until(() => verifier.revocations?.isRevoked("s-logged-out") === true);
    const delay = Date.now() - revokedAt;
    expect(delay).toBeLessThan(1_000);

    expect(await codeOf(verifier.verify(token))).toBe("SESSION_REVOKED");
    expect(await codeOf(verifier.verify(other))).toBe("ok");
    // Verifications cost nothing at the issuer: only the poll that delivered and the next one.
    for (let i = 0; i < 50; i += 1) await verifier.verify(other);
    expect(stub.total() - requestsBefore).toBeLessThanOrEqual(2);
  });

  it("acknowledges each SET in the next poll, and a duplicate delivery changes nothing", async () => {
    const { stub, verifier } = await setup();
    await verifier.revocations?.synced;
    const set = await stub.sessionRevokedSet({ sid: "s-1", jti: "jti-dup" });
    stub.feed.push("jti-dup", set);
    await until(() => stub.feed.calls.some((call) => call.body.ack?.includes("jti-dup")));
    expect(stub.feed.pending.size).toBe(0);

    stub.feed.push("jti-dup", set);
    await until(
      () => stub.feed.calls.filter((call) => call.body.ack?.includes("jti-dup")).length === 2,
    );
    expect(verifier.revocations?.revokedSessions).toBe(1);
    const instances = new Set(
      stub.feed.calls.map((call) => call.headers["sesame-receiver-instance"]),
    );
    expect(instances.size).toBe(1);
    expect([...instances][0]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(stub.feed.calls[0]?.headers.authorization).toBe(`Bearer ${RECEIVER_SECRET}`);
  });

  it("reports forged or misdirected SETs in setErrs and revokes nothing for them", async () => {
    const { stub, verifier } = await setup();
    await verifier.revocations?.synced;
    const foreign = await stubKey("EdDSA");
    const now = Math.floor(Date.now() / 1000);
    const forged: Record<string, string> = {
      "another-audience": await stub.sessionRevokedSet({
        sid: "s",
        jti: "another-audience",
        aud: "billing",
      }),
      "another-issuer": await stub.sessionRevokedSet({
        sid: "s",
        jti: "another-issuer",
        claims: { iss: "https://evil.example" },
      }),
      "foreign-key": await stub.sessionRevokedSet({
        sid: "s",
        jti: "foreign-key",
        key: { ...foreign, kid: stub.signer.kid },
      }),
      "embedded-key": await stub.sessionRevokedSet({
        sid: "s",
        jti: "embedded-key",
        key: foreign,
        header: { jwk: foreign.publicJwk },
      }),
      "access-token": await stub.accessToken({ sid: "s" }),
      "jti-mismatch": await stub.sessionRevokedSet({ sid: "s", jti: "something-else" }),
      "future-iat": await stub.sessionRevokedSet({
        sid: "s",
        jti: "future-iat",
        claims: { iat: now + 3600 },
      }),
      "no-subject": await stub.sessionRevokedSet({
        sid: "s",
        jti: "no-subject",
        claims: { sub_id: { format: "email", email: "a@b.c" } },
      }),
      "alg-none": `${Buffer.from(JSON.stringify({ alg: "none", typ: "secevent+jwt", kid: stub.signer.kid })).toString("base64url")}.${Buffer.from(JSON.stringify({ iss: stub.issuer, aud: RECEIVER_ID, jti: "alg-none", iat: now, sub_id: { format: "opaque", id: "s" }, events: { [SESSION_REVOKED]: { event_timestamp: now, sesame_tokens_expire_by: now + 600 } } })).toString("base64url")}.`,
    };
    for (const [jti, set] of Object.entries(forged)) stub.feed.push(jti, set);
    await until(() => stub.feed.calls.some((call) => call.body.setErrs !== undefined));
    const reported = stub.feed.calls.find((call) => call.body.setErrs)?.body.setErrs ?? {};
    expect(Object.keys(reported).sort()).toEqual(Object.keys(forged).sort());
    expect(reported["another-audience"]?.err).toBe("invalid_audience");
    expect(reported["another-issuer"]?.err).toBe("invalid_issuer");
    expect(reported["foreign-key"]?.err).toBe("invalid_key");
    expect(verifier.revocations?.isRevoked("s")).toBe(false);
    expect(verifier.revocations?.revokedSessions).toBe(0);
  });

  it("acknowledges SETs of other event types without acting on them", async () => {
    const { stub, verifier } = await setup();
    await verifier.revocations?.synced;
    const other = await stub.sessionRevokedSet({
      sid: "s",
      jti: "credential-change",
      claims: {
        events: { "https://schemas.openid.net/secevent/caep/event-type/credential-change": {} },
      },
    });
    stub.feed.push("credential-change", other);
    await until(() => stub.feed.calls.some((c) => c.body.ack?.includes("credential-change")));
    expect(verifier.revocations?.isRevoked("s")).toBe(false);
  });

  it("forgets a session once its tokens would have expired anyway", async () => {
    const { clock, stub, verifier } = await setup();
    await verifier.revocations?.synced;
    const revokedAtMs = clock.now();
    stub.feed.push(
      "jti-old",
      await stub.sessionRevokedSet({
        sid: "s-old",
        jti: "jti-old",
        revokedAtMs,
        tokensExpireByMs: revokedAtMs + 630_000,
      }),
    );
    await until(() => verifier.revocations?.isRevoked("s-old") === true);
    // Until the last token's exp plus this verifier's own tolerance on exp (30 s).
    clock.advance(630_000 + 30_000 - 1_000);
    expect(verifier.revocations?.isRevoked("s-old")).toBe(true);
    clock.advance(2_000);
    expect(verifier.revocations?.isRevoked("s-old")).toBe(false);
  });

  it("fails open: while the feed is down tokens still verify, polls back off, and it recovers", async () => {
    const { stub, verifier, errors } = await setup();
    await verifier.revocations?.synced;
    const token = await stub.accessToken({ sid: "s-2" });
    stub.answer.set("/events/poll", { status: 503, body: "{}" });
    // Release the held poll so the next one meets the outage.
    stub.feed.push("jti-x", await stub.sessionRevokedSet({ sid: "s-x", jti: "jti-x" }));
    await until(() => (verifier.revocations?.failures ?? 0) >= 3);
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    const pollsDuringOutage = stub.requests.get("/events/poll") ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Backing off to at most 200 ms apart here (30 s by default): a handful, not a spin.
    expect((stub.requests.get("/events/poll") ?? 0) - pollsDuringOutage).toBeLessThan(8);
    expect(errors.some((message) => message.includes("503"))).toBe(true);

    stub.answer.delete("/events/poll");
    stub.feed.push("jti-2", await stub.sessionRevokedSet({ sid: "s-2", jti: "jti-2" }));
    await until(() => verifier.revocations?.isRevoked("s-2") === true);
    expect(verifier.revocations?.failures).toBe(0);
    expect(await codeOf(verifier.verify(token))).toBe("SESSION_REVOKED");
  });

  it("keeps a SET whose key is not fetched yet for another try instead of refusing it", async () => {
    const { clock, stub, verifier } = await setup({}, { cooldownMs: 30_000 });
    await verifier.revocations?.synced;
    await verifier.verify(await stub.accessToken()); // keys fetched: the new key is not in them
    const promoted = await stubKey("ES256");
    const set = await stub.sessionRevokedSet({ sid: "s-new-key", jti: "jti-k", key: promoted });
    stub.feed.push("jti-k", set);
    await until(() => (verifier.revocations?.failures ?? 0) >= 2);
    // Published, and the key set's cool-down over: the next try fetches it.
    stub.published.push(promoted);
    clock.advance(30_000);
    await until(() => verifier.revocations?.isRevoked("s-new-key") === true);
    expect(stub.feed.calls.some((call) => call.body.setErrs?.["jti-k"])).toBe(false);
  });

  it("sends its secret only to the issuer's own poll endpoint", async () => {
    const elsewhere = await startIssuerStub(() => Date.now());
    const { stub, verifier, errors } = await setup();
    stub.metadata.security_event_poll_endpoint = elsewhere.pollUri;
    // Discovery happened at construction; a fresh verifier reads the tampered metadata.
    await verifier.close();
    const second = createRemoteVerifier({
      issuer: stub.issuer,
      audience: AUDIENCE,
      revocations: {
        receiverId: RECEIVER_ID,
        secret: RECEIVER_SECRET,
        retryMinMs: 20,
        retryMaxMs: 40,
        onError: (e) => errors.push(e.message),
      },
    });
    verifiers.push(second);
    await until(() => errors.some((m) => m.includes("advertises no security event poll endpoint")));
    expect(elsewhere.feed.calls).toHaveLength(0);
  });

  it("signs nothing of its own: a SET signed by the issuer with a bad typ is refused", async () => {
    const { stub, verifier } = await setup();
    await verifier.revocations?.synced;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({
      aud: RECEIVER_ID,
      jti: "typ-jwt",
      iat: now,
      sub_id: { format: "opaque", id: "s" },
      events: { [SESSION_REVOKED]: { event_timestamp: now, sesame_tokens_expire_by: now + 600 } },
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: stub.signer.kid })
      .setIssuer(stub.issuer)
      .sign(stub.signer.privateKey);
    stub.feed.push("typ-jwt", jwt);
    await until(() => stub.feed.calls.some((call) => call.body.setErrs?.["typ-jwt"]));
    expect(verifier.revocations?.isRevoked("s")).toBe(false);
  });
});

afterEach(async () => {
  for (const verifier of verifiers.splice(0)) await verifier.close();
});
