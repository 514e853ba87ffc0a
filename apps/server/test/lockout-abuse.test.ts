import { describe, expect, it } from "vitest";
import { cookieFrom, rawCall } from "./support/raw-call.ts";
import { PASSWORD, signedUp, startTestServer, uniqueEmail } from "./support/test-server.ts";

/** Short limits so a lockout takes a few requests: back-off after 3 failures, locked after 6. */
const LIMITS = { LOGIN_FREE_FAILURES: "3", LOGIN_LOCKOUT_FAILURES: "6", LOGIN_LOCKOUT: "3600" };

async function flood(server: { url: string }, email: string, headers: Record<string, string> = {}) {
  const codes: Array<string | undefined> = [];
  for (let i = 0; i < 8; i++) {
    const attempt = await rawCall(
      server.url,
      "auth.login",
      { email, password: `wrong guess ${i}`, transport: "body" },
      headers,
    );
    codes.push(attempt.authCode);
  }
  return codes;
}

describe("an attacker cannot lock an account's owner out (device tokens, OWASP)", () => {
  it("after a flood locks the account, the owner's known browser still signs in; a new browser does not", async () => {
    const server = await startTestServer(LIMITS);
    const email = uniqueEmail();
    const origin = { origin: server.url };
    const first = await rawCall(server.url, "auth.register", { email, password: PASSWORD }, origin);
    const device = cookieFrom(first.setCookies, "sesame_device");
    expect(device).toBeDefined();
    const attributes = first.setCookies.find((c) => c.startsWith("sesame_device=")) ?? "";
    expect(attributes).toMatch(/HttpOnly/i);
    expect(attributes).toMatch(/SameSite=Strict/i);

    // The attacker keeps failing, moving the clock past each back-off, until the account locks.
    for (let i = 0; i < 8; i++) {
      await rawCall(server.url, "auth.login", { email, password: `guess ${i}` }, origin);
      server.clock.advance(60_000);
    }
    const stranger = await rawCall(server.url, "auth.login", { email, password: PASSWORD }, origin);
    expect(stranger.authCode).toBe("RATE_LIMITED");

    const owner = await rawCall(
      server.url,
      "auth.login",
      { email, password: PASSWORD },
      { ...origin, cookie: device as string },
    );
    expect(owner.status).toBe(200);
  });

  it("a known device is throttled on its own: its failures lock it, not the account", async () => {
    const server = await startTestServer(LIMITS);
    const email = uniqueEmail();
    const signUp = await rawCall(server.url, "auth.register", {
      email,
      password: PASSWORD,
      transport: "body",
    });
    const deviceToken = signUp.data.deviceToken as string;
    expect(deviceToken).toMatch(/^d1\./);
    const codes = await flood(server, email, {});
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    // The app that signed up before passes its device token: counted apart from the flood.
    const known = await rawCall(server.url, "auth.login", {
      email,
      password: PASSWORD,
      transport: "body",
      deviceToken,
    });
    expect(known.status).toBe(200);

    // The same device guessing wrongly is itself held back after a few failures.
    const own: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) {
      const attempt = await rawCall(server.url, "auth.login", {
        email,
        password: `mistyped ${i}`,
        transport: "body",
        deviceToken,
      });
      own.push(attempt.authCode);
    }
    expect(own.slice(0, 3)).toEqual(Array(3).fill("INVALID_CREDENTIALS"));
    expect(own.at(-1)).toBe("RATE_LIMITED");
  });

  it("a device token of another account, or a forged one, counts for nothing", async () => {
    const server = await startTestServer(LIMITS);
    const victim = uniqueEmail();
    await rawCall(server.url, "auth.register", {
      email: victim,
      password: PASSWORD,
      transport: "body",
    });
    const attacker = await rawCall(server.url, "auth.register", {
      email: uniqueEmail(),
      password: PASSWORD,
      transport: "body",
    });
    await flood(server, victim);
    for (const deviceToken of [
      attacker.data.deviceToken as string,
      `${(attacker.data.deviceToken as string).slice(0, -4)}AAAA`,
    ]) {
      const attempt = await rawCall(server.url, "auth.login", {
        email: victim,
        password: PASSWORD,
        transport: "body",
        deviceToken,
      });
      expect(attempt.authCode).toBe("RATE_LIMITED");
    }
  });

  it("a signed-in owner's password change is never refused for the anonymous failures", async () => {
    const server = await startTestServer(LIMITS);
    const { client, email } = await signedUp(server);
    expect((await flood(server, email)).at(-1)).toBe("RATE_LIMITED");
    await client.api.user.changePassword.mutate({
      currentPassword: PASSWORD,
      newPassword: `${PASSWORD} and more`,
    });
    // A stolen access token still cannot guess the password fast: the session is throttled.
    const guesses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const code = await client.api.user.changePassword
        .mutate({ currentPassword: `guess ${i}`, newPassword: `${PASSWORD} again` })
        .then(() => "ok")
        .catch((error) => error.data?.authCode as string);
      guesses.push(code);
    }
    expect(guesses.slice(0, 3)).toEqual(Array(3).fill("INVALID_CREDENTIALS"));
    expect(guesses.at(-1)).toBe("RATE_LIMITED");
  });
});
