import { describe, expect, it } from "vitest";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "./support/test-server.ts";

const SPOOFED = "203.0.113.7";

/** Signs in as `email` with `X-Forwarded-For: forwardedFor`; answers the client, signed in. */
async function loginVia(server: TestServer, email: string, forwardedFor?: string) {
  const client = server.client(
    forwardedFor === undefined ? {} : { headers: { "x-forwarded-for": forwardedFor } },
  );
  const pair = await client.api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
  client.accessToken = pair.accessToken;
  return client;
}

/** The IP recorded for the caller's session, and for the `login_succeeded` event that opened it. */
async function recordedIps(client: Awaited<ReturnType<typeof loginVia>>) {
  const session = (await client.api.session.list.query()).find((s) => s.current);
  const events = await client.api.audit.list.query();
  const login = events.find((e) => e.type === "login_succeeded" && e.sessionId === session?.id);
  return { session: session?.ip, audit: login?.ip };
}

/** A failed login for an unknown account (so only the per-IP counter grows). */
function failFrom(server: TestServer, forwardedFor: string) {
  return authCodeOf(
    server
      .client({ headers: { "x-forwarded-for": forwardedFor } })
      .api.auth.login.mutate({ email: uniqueEmail(), password: "wrong password" }),
  );
}

describe("the client IP (TRUST_PROXY)", () => {
  it("off (the default): X-Forwarded-For is ignored and the socket's address is recorded", async () => {
    const server = await startTestServer();
    const { email } = await signedUp(server);
    const client = await loginVia(server, email, SPOOFED);
    expect(await recordedIps(client)).toEqual({ session: "127.0.0.1", audit: "127.0.0.1" });
    const everything = JSON.stringify([
      await client.api.session.list.query(),
      await client.api.audit.list.query(),
    ]);
    expect(everything).not.toContain(SPOOFED);
  });

  it("on: the forwarded address is recorded for the session and the audit event", async () => {
    const server = await startTestServer({ TRUST_PROXY: "1" });
    const { email } = await signedUp(server);
    const client = await loginVia(server, email, SPOOFED);
    expect(await recordedIps(client)).toEqual({ session: SPOOFED, audit: SPOOFED });
    // Without the header (a request that did not come through the proxy), the socket's.
    const direct = await loginVia(server, email);
    expect(await recordedIps(direct)).toEqual({ session: "127.0.0.1", audit: "127.0.0.1" });
  });

  it("on: of several hops, the last (the one the proxy appended) is used, not the client-written first", async () => {
    const server = await startTestServer({ TRUST_PROXY: "on" });
    const { email } = await signedUp(server);
    const client = await loginVia(server, email, `198.51.100.1, 10.0.0.2,  ${SPOOFED} `);
    expect(await recordedIps(client)).toEqual({ session: SPOOFED, audit: SPOOFED });
  });

  it("on: the failed-login budget (LOGIN_IP_MAX_FAILURES) is counted per forwarded IP", async () => {
    const server = await startTestServer({ TRUST_PROXY: "1", LOGIN_IP_MAX_FAILURES: "2" });
    const { email } = await signedUp(server);
    for (let i = 0; i < 2; i++) expect(await failFrom(server, SPOOFED)).toBe("INVALID_CREDENTIALS");
    // Spent for that address, even with the right password…
    const blocked = server.client({ headers: { "x-forwarded-for": `10.9.9.9, ${SPOOFED}` } });
    expect(
      await authCodeOf(
        blocked.api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
      ),
    ).toBe("RATE_LIMITED");
    // …but not for another client behind the same proxy, nor for the proxy's own address.
    await expect(loginVia(server, email, "198.51.100.9")).resolves.toBeDefined();
    await expect(loginVia(server, email)).resolves.toBeDefined();
  });

  it("off: a spoofed X-Forwarded-For cannot dodge the failed-login budget", async () => {
    const server = await startTestServer({ LOGIN_IP_MAX_FAILURES: "2" });
    const { email } = await signedUp(server);
    expect(await failFrom(server, "198.51.100.1")).toBe("INVALID_CREDENTIALS");
    expect(await failFrom(server, "198.51.100.2")).toBe("INVALID_CREDENTIALS");
    const fresh = server.client({ headers: { "x-forwarded-for": "198.51.100.3" } });
    expect(
      await authCodeOf(
        fresh.api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
      ),
    ).toBe("RATE_LIMITED");
  });
});
