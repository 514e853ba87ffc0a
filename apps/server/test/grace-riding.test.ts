import { describe, expect, it } from "vitest";
import { rawCall } from "./support/raw-call.ts";
import { authCodeOf, PASSWORD, startTestServer, uniqueEmail } from "./support/test-server.ts";

const VICTIM = { "user-agent": "Mozilla/5.0 (victim's browser)" };
const THIEF = { "user-agent": "curl/8.5 (thief)" };

/** A victim signed in with the body transport; the thief has copied its refresh and access tokens. */
async function victimAndThief(
  env: Record<string, string> = {},
  victimHeaders: Record<string, string> = VICTIM,
) {
  const server = await startTestServer(env);
  const signUp = await rawCall(
    server.url,
    "auth.register",
    { email: uniqueEmail(), password: PASSWORD, transport: "body" },
    victimHeaders,
  );
  expect(signUp.status).toBe(200);
  return {
    server,
    rt0: signUp.data.refreshToken as string,
    accessToken: signUp.data.accessToken as string,
  };
}

describe("a thief riding the refresh grace window (the grace answer goes only to the rotating client)", () => {
  it("the thief's first replay of the spent parent inside the window revokes the session; the victim's 10 parallel refreshes still share one successor", async () => {
    const { server, rt0, accessToken } = await victimAndThief();
    const refresh = (refreshToken: string, headers: Record<string, string>) =>
      rawCall(server.url, "auth.refresh", { refreshToken }, headers);

    // The victim's tabs refresh at once: one successor for all, the session stays live.
    const parallel = await Promise.all(Array.from({ length: 10 }, () => refresh(rt0, VICTIM)));
    expect(parallel.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(parallel.map((r) => r.data.refreshToken)).size).toBe(1);
    const rt1 = parallel[0]?.data.refreshToken as string;

    // The thief watches the device list for the rotation; it moves only to the minute.
    const thief = server.client({ accessToken, headers: THIEF });
    const [listed] = await thief.api.session.list.query();
    expect(new Date(listed?.lastUsedAt ?? "").getUTCSeconds()).toBe(0);
    expect(new Date(listed?.lastUsedAt ?? "").getUTCMilliseconds()).toBe(0);

    // Within the window, the thief presents the spent parent from its own client.
    server.clock.advance(2_000);
    const replay = await refresh(rt0, THIEF);
    expect(replay.status).toBe(401);
    expect(replay.authCode).toBe("REFRESH_REUSED");
    expect(replay.data).toBeUndefined();

    // The whole session is over: the victim's successor and every access token.
    expect((await refresh(rt1, VICTIM)).authCode).toBe("SESSION_REVOKED");
    expect(await authCodeOf(thief.api.user.me.query())).toBe("SESSION_REVOKED");
    const victim = server.client({ accessToken: parallel[0]?.data.accessToken as string });
    expect(await authCodeOf(victim.api.audit.list.query())).toBe("SESSION_REVOKED");
    const types = await server.query(
      "SELECT type FROM audit_events WHERE type = 'refresh_reuse_detected'",
    );
    expect(types).toHaveLength(1);
  });

  it("the same user agent from another network is another client: reuse", async () => {
    const { server, rt0 } = await victimAndThief(
      { TRUST_PROXY: "true" },
      {
        ...VICTIM,
        "x-forwarded-for": "198.51.100.23",
      },
    );
    const fromHome = { ...VICTIM, "x-forwarded-for": "198.51.100.23" };
    const elsewhere = { ...VICTIM, "x-forwarded-for": "203.0.113.50" };
    const rotated = await rawCall(server.url, "auth.refresh", { refreshToken: rt0 }, fromHome);
    expect(rotated.status).toBe(200);
    const replay = await rawCall(server.url, "auth.refresh", { refreshToken: rt0 }, elsewhere);
    expect(replay.authCode).toBe("REFRESH_REUSED");
  });

  it("the rotating client itself still gets the same successor back inside the window (a lost answer), from another address of its /24", async () => {
    const { server, rt0 } = await victimAndThief(
      { TRUST_PROXY: "true" },
      {
        ...VICTIM,
        "x-forwarded-for": "198.51.100.23",
      },
    );
    const first = await rawCall(
      server.url,
      "auth.refresh",
      { refreshToken: rt0 },
      { ...VICTIM, "x-forwarded-for": "198.51.100.23" },
    );
    server.clock.advance(9_000);
    const retried = await rawCall(
      server.url,
      "auth.refresh",
      { refreshToken: rt0 },
      { ...VICTIM, "x-forwarded-for": "198.51.100.77" },
    );
    expect(retried.status).toBe(200);
    expect(retried.data.refreshToken).toBe(first.data.refreshToken);
  });
});
