import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { type SesameVariables, sesameBearer } from "../src/hono/index.ts";
import { createRemoteVerifier, type RemoteVerifier } from "../src/index.ts";
import {
  AUDIENCE,
  ManualClock,
  RECEIVER_ID,
  RECEIVER_SECRET,
  startIssuerStub,
} from "./support/issuer-stub.ts";

const verifiers: RemoteVerifier[] = [];
afterEach(async () => {
  for (const verifier of verifiers.splice(0)) await verifier.close();
});

async function setup(revocations = false) {
  const clock = new ManualClock(Date.now());
  const stub = await startIssuerStub(() => clock.now());
  const verifier = createRemoteVerifier({
    issuer: stub.issuer,
    audience: AUDIENCE,
    clock,
    ...(revocations ? { revocations: { receiverId: RECEIVER_ID, secret: RECEIVER_SECRET } } : {}),
  });
  verifiers.push(verifier);
  const app = new Hono<{ Variables: SesameVariables }>();
  app.use("/api/*", sesameBearer(verifier, { realm: "notes" }));
  app.get("/api/me", (c) =>
    c.json({ user: c.get("user"), session: c.get("session"), jti: c.get("claims").jti }),
  );
  const call = async (authorization?: string) => {
    const response = await app.request("/api/me", {
      headers: authorization ? { authorization } : {},
    });
    return {
      status: response.status,
      challenge: response.headers.get("www-authenticate"),
      retryAfter: response.headers.get("retry-after"),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { clock, stub, verifier, call };
}

describe("sesameBearer (Hono)", () => {
  it("hands the handlers the user and the session, in the shapes of Sesame's own procedures", async () => {
    const { stub, call } = await setup();
    const token = await stub.accessToken({ extraClaims: { role: "admin", amr: ["pwd", "mfa"] } });
    const { status, body } = await call(`Bearer ${token}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      user: { id: "user-1", role: "admin" },
      session: { id: "session-1", amr: ["pwd", "mfa"] },
    });
    expect(typeof (body.session as { expiresAt: unknown }).expiresAt).toBe("number");
    // The scheme is case-insensitive (RFC 6750 §2.1 by way of RFC 7235).
    expect((await call(`bearer ${token}`)).status).toBe(200);
  });

  it("answers RFC 6750 challenges with Sesame's codes: missing, invalid, expired", async () => {
    const { clock, stub, call } = await setup();
    expect(await call()).toMatchObject({
      status: 401,
      challenge: 'Bearer realm="notes"',
      body: { error: "TOKEN_MISSING" },
    });
    expect((await call("Basic dXNlcjpwYXNz")).body.error).toBe("TOKEN_MISSING");
    const garbage = await call("Bearer not-a-token");
    expect(garbage).toMatchObject({ status: 401, body: { error: "TOKEN_INVALID" } });
    expect(garbage.challenge).toBe(
      'Bearer realm="notes", error="invalid_token", error_description="Invalid token"',
    );
    const token = await stub.accessToken();
    clock.advance((600 + 30 + 1) * 1000);
    const expired = await call(`Bearer ${token}`);
    expect(expired).toMatchObject({ status: 401, body: { error: "TOKEN_EXPIRED" } });
    expect(expired.challenge).toContain('error_description="The token expired"');
  });

  it("answers SESSION_REVOKED for a session the feed reported", async () => {
    const { stub, verifier, call } = await setup(true);
    await verifier.revocations?.synced;
    const token = await stub.accessToken({ sid: "s-out" });
    stub.feed.push("j", await stub.sessionRevokedSet({ sid: "s-out", jti: "j" }));
    const deadline = Date.now() + 5_000;
    while (!verifier.revocations?.isRevoked("s-out") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const revoked = await call(`Bearer ${token}`);
    expect(revoked).toMatchObject({ status: 401, body: { error: "SESSION_REVOKED" } });
    expect(revoked.challenge).toContain('error="invalid_token"');
  });

  it("answers 503, not 401, while the issuer's keys cannot be fetched", async () => {
    const { stub, call } = await setup();
    const token = await stub.accessToken();
    stub.answer.set("/.well-known/openid-configuration", { status: 500, body: "" });
    expect(await call(`Bearer ${token}`)).toMatchObject({
      status: 503,
      retryAfter: "30",
      body: { error: "AUTH_UNAVAILABLE" },
    });
  });
});
