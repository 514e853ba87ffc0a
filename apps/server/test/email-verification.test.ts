import { describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { authCodeOf, PASSWORD, signedUp, uniqueEmail } from "./support/test-server.ts";

describe("email verification", () => {
  it("sign-up mails a link; opening it verifies the address, once", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    expect(await client.api.user.me.query()).toMatchObject({ email, emailVerified: false });
    const { link, token } = await nextMail(email, SUBJECT.verify);
    expect(link).toBe(`${server.issuer}/verify-email#token=${token}`);
    // Anyone holding the link may open it: no session needed (another browser, a phone).
    const stranger = server.client().api;
    expect(await stranger.auth.verifyEmail.mutate({ token })).toEqual({ ok: true });
    expect(await client.api.user.me.query()).toMatchObject({ emailVerified: true });
    expect(await authCodeOf(stranger.auth.verifyEmail.mutate({ token }))).toBe("LINK_INVALID");
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(["email_verification_requested", "email_sent", "email_verified"]),
    );
  });

  it("the signed-in user can ask for a new link, which voids the first; once verified there is nothing to send", async () => {
    const { server, nextMail, mailsTo } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    const first = await nextMail(email, SUBJECT.verify);
    expect(await client.api.auth.requestEmailVerification.mutate()).toEqual({ ok: true });
    const second = await nextMail(email, SUBJECT.verify);
    expect(await authCodeOf(client.api.auth.verifyEmail.mutate({ token: first.token }))).toBe(
      "LINK_INVALID",
    );
    await client.api.auth.verifyEmail.mutate({ token: second.token });
    await client.api.auth.requestEmailVerification.mutate();
    await server.auth.drainMail();
    expect(mailsTo(email).filter((mail) => mail.subject === SUBJECT.verify)).toHaveLength(2);
    expect(await authCodeOf(server.client().api.auth.requestEmailVerification.mutate())).toBe(
      "TOKEN_MISSING",
    );
  });

  it("expires after 24 hours", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    const { token } = await nextMail(email, SUBJECT.verify);
    server.clock.advance(24 * 60 * 60 * 1000 + 1);
    expect(await authCodeOf(server.client().api.auth.verifyEmail.mutate({ token }))).toBe(
      "LINK_EXPIRED",
    );
  });

  it("a link mailed to an address the account no longer has verifies nothing", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    const oldLink = await nextMail(email, SUBJECT.verify);
    const newEmail = uniqueEmail();
    await client.api.user.changeEmail.mutate({ newEmail, currentPassword: PASSWORD });
    const change = await nextMail(newEmail, SUBJECT.change);
    await server.client().api.auth.confirmEmailChange.mutate({ token: change.token });
    expect(await authCodeOf(client.api.auth.verifyEmail.mutate({ token: oldLink.token }))).toBe(
      "LINK_INVALID",
    );
  });

  describe("REQUIRE_EMAIL_VERIFICATION", () => {
    it("sign-up and sign-in answer 403 EMAIL_NOT_VERIFIED (with a link mailed) until the link is opened", async () => {
      const { server, nextMail } = await startMailTestServer({
        REQUIRE_EMAIL_VERIFICATION: "true",
      });
      const api = server.client().api;
      const email = uniqueEmail();
      const register = await fetch(`${server.url}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD, transport: "body" }),
      });
      expect(register.status).toBe(403);
      expect(
        ((await register.json()) as { error: { data: { authCode: string } } }).error.data.authCode,
      ).toBe("EMAIL_NOT_VERIFIED");
      await nextMail(email, SUBJECT.verify);
      expect(
        await authCodeOf(api.auth.login.mutate({ email, password: PASSWORD, transport: "body" })),
      ).toBe("EMAIL_NOT_VERIFIED");
      // The refused sign-in mailed a fresh link (the first is void).
      const fresh = await nextMail(email, SUBJECT.verify);
      await api.auth.verifyEmail.mutate({ token: fresh.token });
      const signedIn = await api.auth.login.mutate({
        email,
        password: PASSWORD,
        transport: "body",
      });
      expect(signedIn.user).toMatchObject({ email, emailVerified: true });
    });

    it("a wrong password is still INVALID_CREDENTIALS: the 403 is said only to whoever knows the password", async () => {
      const { server } = await startMailTestServer({ REQUIRE_EMAIL_VERIFICATION: "true" });
      const api = server.client().api;
      const email = uniqueEmail();
      await authCodeOf(api.auth.register.mutate({ email, password: PASSWORD, transport: "body" }));
      expect(await authCodeOf(api.auth.login.mutate({ email, password: "not the password" }))).toBe(
        "INVALID_CREDENTIALS",
      );
    });
  });
});
