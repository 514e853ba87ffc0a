import { totpCodeAt } from "@sesame/auth";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { startMailTestServer } from "./support/mail-test-server.ts";
import {
  authCodeOf,
  PASSWORD,
  signedUp,
  startTestServer,
  type TestClient,
  type TestServer,
} from "./support/test-server.ts";

/** A signed-up user with TOTP turned on: its secret and recovery codes. */
async function enrolled(server: TestServer) {
  const account = await signedUp(server);
  const { secret } = await account.client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
  const { recoveryCodes } = await account.client.api.mfa.totp.confirm.mutate({
    code: totpCodeAt(secret, server.clock.now()),
  });
  // Codes of the next step: the confirming one is spent.
  server.clock.advance(30_000);
  return { ...account, secret, recoveryCodes };
}

/** The MFA_REQUIRED error of a password sign-in: its ticket and methods. */
async function passwordStep(server: TestServer, email: string) {
  try {
    await server.client().api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return error.data as {
        authCode: string;
        mfaToken: string;
        methods: string[];
        httpStatus: number;
      };
    }
    throw error;
  }
  throw new Error("the sign-in needed no second factor");
}

const amrOf = (accessToken: string): string[] =>
  JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()).amr;

const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: { data?: { authCode?: string } }) => error.data?.authCode,
  );

describe("TOTP", () => {
  it("enrolment needs the password, shows the secret once, and is active only after a code confirms it", async () => {
    const server = await startTestServer();
    const { client, email } = await signedUp(server);
    expect(
      await authCodeOf(client.api.mfa.totp.begin.mutate({ currentPassword: "not the password" })),
    ).toBe("INVALID_CREDENTIALS");
    const { secret, otpauthUri } = await client.api.mfa.totp.begin.mutate({
      currentPassword: PASSWORD,
    });
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(await client.api.mfa.status.query()).toEqual({
      totp: false,
      passkeys: 0,
      recoveryCodesLeft: 0,
    });
    // Not yet asked for at sign-in.
    expect(
      await server.client().api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
    ).toMatchObject({
      user: { email },
    });
    expect(await authCodeOf(client.api.mfa.totp.confirm.mutate({ code: "000000" }))).toBe(
      "MFA_CODE_INVALID",
    );
    const { recoveryCodes } = await client.api.mfa.totp.confirm.mutate({
      code: totpCodeAt(secret, server.clock.now()),
    });
    expect(recoveryCodes).toHaveLength(10);
    expect(await client.api.mfa.status.query()).toEqual({
      totp: true,
      passkeys: 0,
      recoveryCodesLeft: 10,
    });
    expect(await authCodeOf(client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD }))).toBe(
      "MFA_ALREADY_ENABLED",
    );
    // The secret is sealed at rest; recovery codes are hashed.
    const stored = JSON.stringify([
      await server.query("SELECT * FROM totp_factors"),
      await server.query("SELECT * FROM recovery_codes"),
    ]);
    expect(stored).not.toContain(secret);
    for (const code of recoveryCodes) expect(stored).not.toContain(code.replaceAll("-", ""));
  });

  it("a password sign-in answers 401 MFA_REQUIRED with a ticket; a code finishes it, with mfa in amr", async () => {
    const server = await startTestServer();
    const { email, secret } = await enrolled(server);
    const step = await passwordStep(server, email);
    expect(step).toMatchObject({
      authCode: "MFA_REQUIRED",
      httpStatus: 401,
      methods: ["totp", "recovery_code"],
    });
    expect(step.mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const api = server.client().api;
    const result = await api.auth.verifyMfa.mutate({
      mfaToken: step.mfaToken,
      code: totpCodeAt(secret, server.clock.now()),
      transport: "body",
    });
    expect(result.user.email).toBe(email);
    expect(amrOf(result.accessToken)).toEqual(["pwd", "otp", "mfa"]);
    // The session keeps its amr through refreshes.
    const refreshed = await api.auth.refresh.mutate({ refreshToken: result.refreshToken });
    expect(amrOf(refreshed.accessToken)).toEqual(["pwd", "otp", "mfa"]);
    // The ticket is spent.
    server.clock.advance(30_000);
    expect(
      await authCodeOf(
        api.auth.verifyMfa.mutate({
          mfaToken: step.mfaToken,
          code: totpCodeAt(secret, server.clock.now()),
        }),
      ),
    ).toBe("MFA_TOKEN_INVALID");
  });

  it("a code passes once: the confirming code cannot be replayed as the first sign-in code, nor any code twice", async () => {
    const server = await startTestServer();
    const { client, email } = await signedUp(server);
    const { secret } = await client.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
    const code = totpCodeAt(secret, server.clock.now());
    await client.api.mfa.totp.confirm.mutate({ code });
    const api = server.client().api;
    const first = await passwordStep(server, email);
    expect(await authCodeOf(api.auth.verifyMfa.mutate({ mfaToken: first.mfaToken, code }))).toBe(
      "MFA_CODE_INVALID",
    );
    server.clock.advance(30_000);
    const next = totpCodeAt(secret, server.clock.now());
    // Two simultaneous sign-ins with one code: one session.
    const second = await passwordStep(server, email);
    const outcomes = await Promise.all([
      outcome(
        api.auth.verifyMfa.mutate({ mfaToken: first.mfaToken, code: next, transport: "body" }),
      ),
      outcome(
        api.auth.verifyMfa.mutate({ mfaToken: second.mfaToken, code: next, transport: "body" }),
      ),
    ]);
    expect(outcomes.sort()).toEqual(["MFA_CODE_INVALID", "ok"]);
  });

  it("the ticket expires after 5 minutes", async () => {
    const server = await startTestServer();
    const { email, secret } = await enrolled(server);
    const step = await passwordStep(server, email);
    server.clock.advance(5 * 60_000 + 1);
    expect(
      await authCodeOf(
        server.client().api.auth.verifyMfa.mutate({
          mfaToken: step.mfaToken,
          code: totpCodeAt(secret, server.clock.now()),
        }),
      ),
    ).toBe("MFA_TOKEN_INVALID");
  });

  it("wrong codes count in the sign-in throttle: back-off, RATE_LIMITED", async () => {
    const server = await startTestServer({ LOGIN_FREE_FAILURES: "2" });
    const { email, client } = await enrolled(server);
    const step = await passwordStep(server, email);
    const api = server.client().api;
    const tries = [];
    for (let i = 0; i < 4; i++)
      tries.push(
        await authCodeOf(api.auth.verifyMfa.mutate({ mfaToken: step.mfaToken, code: "000000" })),
      );
    expect(tries.slice(0, 2)).toEqual(["MFA_CODE_INVALID", "MFA_CODE_INVALID"]);
    expect(tries.slice(2)).toContain("RATE_LIMITED");
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("mfa_failed");
  });

  it("a recovery code signs in once; of two simultaneous uses of one code exactly one does", async () => {
    const server = await startTestServer();
    const { email, recoveryCodes, client } = await enrolled(server);
    const [code = "", other = ""] = recoveryCodes;
    const api = server.client().api;
    const [a, b] = [await passwordStep(server, email), await passwordStep(server, email)];
    const outcomes = await Promise.all([
      outcome(
        api.auth.verifyMfa.mutate({ mfaToken: a.mfaToken, recoveryCode: code, transport: "body" }),
      ),
      outcome(
        api.auth.verifyMfa.mutate({ mfaToken: b.mfaToken, recoveryCode: code, transport: "body" }),
      ),
    ]);
    expect(outcomes.sort()).toEqual(["MFA_CODE_INVALID", "ok"]);
    expect(await client.api.mfa.status.query()).toMatchObject({ recoveryCodesLeft: 9 });
    // Typed as printed or not: case and dashes do not matter.
    const c = await passwordStep(server, email);
    const signedIn = await api.auth.verifyMfa.mutate({
      mfaToken: c.mfaToken,
      recoveryCode: other.toUpperCase().replaceAll("-", " "),
      transport: "body",
    });
    expect(amrOf(signedIn.accessToken)).toContain("mfa");
    // Each use says how many codes were left after it, newest first.
    const used = await client.api.audit.list.query({ types: ["recovery_code_used"] });
    expect(used.map((event) => event.detail)).toEqual([{ remaining: 8 }, { remaining: 9 }]);
  });

  it("regenerating recovery codes needs the password and a code, and voids the old set", async () => {
    const server = await startTestServer();
    const { email, recoveryCodes, client, secret } = await enrolled(server);
    const { recoveryCodes: fresh } = await client.api.mfa.recoveryCodes.regenerate.mutate({
      currentPassword: PASSWORD,
      code: totpCodeAt(secret, server.clock.now()),
    });
    expect(fresh).toHaveLength(10);
    const step = await passwordStep(server, email);
    const api = server.client().api;
    expect(
      await authCodeOf(
        api.auth.verifyMfa.mutate({
          mfaToken: step.mfaToken,
          recoveryCode: recoveryCodes[0] ?? "",
        }),
      ),
    ).toBe("MFA_CODE_INVALID");
    expect(
      await outcome(
        api.auth.verifyMfa.mutate({
          mfaToken: step.mfaToken,
          recoveryCode: fresh[0] ?? "",
          transport: "body",
        }),
      ),
    ).toBe("ok");
  });

  it("turning TOTP off needs the password and a code, and ends every other session", async () => {
    const server = await startTestServer();
    const { email, client, secret } = await enrolled(server);
    const other: TestClient = server.client();
    const step = await passwordStep(server, email);
    other.accessToken = (
      await other.api.auth.verifyMfa.mutate({
        mfaToken: step.mfaToken,
        code: totpCodeAt(secret, server.clock.now()),
        transport: "body",
      })
    ).accessToken;
    server.clock.advance(30_000);
    expect(
      await authCodeOf(
        client.api.mfa.totp.disable.mutate({ currentPassword: PASSWORD, code: "000000" }),
      ),
    ).toBe("MFA_CODE_INVALID");
    await client.api.mfa.totp.disable.mutate({
      currentPassword: PASSWORD,
      code: totpCodeAt(secret, server.clock.now()),
    });
    expect(await authCodeOf(other.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await client.api.mfa.status.query()).toEqual({
      totp: false,
      passkeys: 0,
      recoveryCodesLeft: 0,
    });
    expect(
      await server.client().api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
    ).toMatchObject({ user: { email } });
  });

  it("a sign-in link is one factor too: with TOTP on it answers MFA_REQUIRED", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email, secret } = await enrolled(server);
    await server.client().api.auth.requestSignInLink.mutate({ email });
    const { token } = await nextMail(email, "Your sign-in link");
    const api = server.client().api;
    const error = await api.auth.signInWithLink
      .mutate({ token, transport: "body" })
      .catch((e: TRPCClientError<never>) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<never>).data as unknown as {
      authCode: string;
      mfaToken: string;
    };
    expect(data.authCode).toBe("MFA_REQUIRED");
    const result = await api.auth.verifyMfa.mutate({
      mfaToken: data.mfaToken,
      code: totpCodeAt(secret, server.clock.now()),
      transport: "body",
    });
    expect(amrOf(result.accessToken)).toEqual(["email", "otp", "mfa"]);
  });

  it("bad input is a typed 400: a code that is not six digits, both a code and a recovery code, neither", async () => {
    const server = await startTestServer();
    for (const input of [
      { mfaToken: "x".repeat(43), code: "12345" },
      { mfaToken: "x".repeat(43), code: "123456", recoveryCode: "abcd-efgh-jkmn" },
      { mfaToken: "x".repeat(43) },
      { mfaToken: "short", code: "123456" },
    ]) {
      const response = await fetch(`${server.url}/trpc/auth.verifyMfa`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      expect(response.status, JSON.stringify(input)).toBe(400);
    }
  });
});

describe("REQUIRE_MFA_FOR_ROLES", () => {
  it("an admin without a second factor reaches only enrolment; enrolled and signed in with a code, everything", async () => {
    const server = await startTestServer({ REQUIRE_MFA_FOR_ROLES: "admin" });
    const { email } = await signedUp(server);
    await server.query("UPDATE users SET role = 'admin' WHERE email = ?", email);
    const admin = server.client();
    admin.accessToken = (
      await admin.api.auth.login.mutate({ email, password: PASSWORD, transport: "body" })
    ).accessToken;
    expect(await authCodeOf(admin.api.session.list.query())).toBe("MFA_ENROLLMENT_REQUIRED");
    expect(await admin.api.user.me.query()).toMatchObject({ email, role: "admin" });
    const { secret } = await admin.api.mfa.totp.begin.mutate({ currentPassword: PASSWORD });
    await admin.api.mfa.totp.confirm.mutate({ code: totpCodeAt(secret, server.clock.now()) });
    // Still a password-only session: sign in again, with the code.
    expect(await authCodeOf(admin.api.session.list.query())).toBe("MFA_ENROLLMENT_REQUIRED");
    server.clock.advance(30_000);
    const step = await passwordStep(server, email);
    admin.accessToken = (
      await admin.api.auth.verifyMfa.mutate({
        mfaToken: step.mfaToken,
        code: totpCodeAt(secret, server.clock.now()),
        transport: "body",
      })
    ).accessToken;
    expect(await admin.api.session.list.query()).toHaveLength(3);
    // Users of other roles are not held to it.
    const user = await signedUp(server);
    expect(await user.client.api.session.list.query()).toHaveLength(1);
  });
});
