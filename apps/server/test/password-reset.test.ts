import { describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { authCodeOf, PASSWORD, signedUp, uniqueEmail } from "./support/test-server.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe("password reset by email", () => {
  it("a link by mail sets a new password, ends every session at once, and mails a notice", async () => {
    const { server, inbox, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    const other = await signedUp(server);
    const secondDevice = server.client();
    const signedIn = await secondDevice.api.auth.login.mutate({
      email,
      password: PASSWORD,
      transport: "body",
    });
    secondDevice.accessToken = signedIn.accessToken;

    const anonymous = server.client();
    expect(await anonymous.api.auth.requestPasswordReset.mutate({ email })).toEqual({ ok: true });
    const { link, token, mail } = await nextMail(email, SUBJECT.reset);
    expect(link).toBe(`${server.issuer}/reset-password#token=${token}`);
    expect(mail.html).toContain(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect(
      await anonymous.api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD }),
    ).toEqual({ ok: true });
    // Both devices are signed out at once, and nobody was signed in by the reset.
    expect(await authCodeOf(client.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await authCodeOf(secondDevice.api.user.me.query())).toBe("SESSION_REVOKED");
    expect(await authCodeOf(anonymous.api.user.me.query())).toBe("TOKEN_MISSING");
    // The new password works, the old one does not; another account is untouched.
    expect(await authCodeOf(anonymous.api.auth.login.mutate({ email, password: PASSWORD }))).toBe(
      "INVALID_CREDENTIALS",
    );
    const after = await anonymous.api.auth.login.mutate({
      email,
      password: NEW_PASSWORD,
      transport: "body",
    });
    expect(after.user.emailVerified).toBe(true);
    expect(await other.client.api.user.me.query()).toMatchObject({ email: other.email });

    const notice = await inbox.waitFor(
      (m) => m.to.includes(email) && m.subject === SUBJECT.resetNotice,
    );
    // A notice carries no link at all.
    expect(notice.text).not.toMatch(/https?:/);

    const reader = server.client({ accessToken: after.accessToken });
    const types = (await reader.api.audit.list.query()).map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(["password_reset_requested", "email_sent", "password_reset"]),
    );
  });

  it("a link works once: of two simultaneous uses exactly one succeeds", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    const api = server.client().api;
    await api.auth.requestPasswordReset.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.reset);
    const outcomes = await Promise.all(
      ["one passphrase here", "another passphrase"].map((newPassword) =>
        api.auth.resetPassword.mutate({ token, newPassword }).then(
          () => "ok",
          (error: { data?: { authCode?: string } }) => error.data?.authCode,
        ),
      ),
    );
    expect(outcomes.sort()).toEqual(["LINK_INVALID", "ok"]);
    expect(
      await authCodeOf(api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD })),
    ).toBe("LINK_INVALID");
  });

  it("expires: a late link is LINK_EXPIRED (with the address, for a new one), audited, then spent", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    await server.client().api.auth.requestPasswordReset.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.reset);
    server.clock.advance(30 * 60 * 1000 + 1);
    const response = await fetch(`${server.url}/trpc/auth.resetPassword`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, newPassword: NEW_PASSWORD }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: Record<string, unknown> } };
    expect(body.error.data).toMatchObject({ authCode: "LINK_EXPIRED", email });
    const api = server.client().api;
    expect(
      await authCodeOf(api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD })),
    ).toBe("LINK_INVALID");
    // The old password still works: nothing changed.
    const again = await api.auth.login.mutate({ email, password: PASSWORD, transport: "body" });
    const reader = server.client({ accessToken: again.accessToken });
    const types = (await reader.api.audit.list.query()).map((event) => event.type);
    expect(types).toContain("email_link_expired");
  });

  it("a newer link voids the older one", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    const api = server.client().api;
    await api.auth.requestPasswordReset.mutate({ email });
    const first = await nextMail(email, SUBJECT.reset);
    await api.auth.requestPasswordReset.mutate({ email });
    const second = await nextMail(email, SUBJECT.reset);
    expect(second.token).not.toBe(first.token);
    expect(
      await authCodeOf(
        api.auth.resetPassword.mutate({ token: first.token, newPassword: NEW_PASSWORD }),
      ),
    ).toBe("LINK_INVALID");
    expect(
      await api.auth.resetPassword.mutate({ token: second.token, newPassword: NEW_PASSWORD }),
    ).toEqual({
      ok: true,
    });
  });

  it("a weak new password is refused before the link is spent", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    const api = server.client().api;
    await api.auth.requestPasswordReset.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.reset);
    expect(
      await authCodeOf(api.auth.resetPassword.mutate({ token, newPassword: "password" })),
    ).toBe("WEAK_PASSWORD");
    expect(await api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD })).toEqual({
      ok: true,
    });
  });

  it("lifts a lockout: the owner who proved the mailbox can sign in at once", async () => {
    const { server, nextMail } = await startMailTestServer({ LOGIN_FREE_FAILURES: "1" });
    const { email } = await signedUp(server);
    const api = server.client().api;
    await authCodeOf(api.auth.login.mutate({ email, password: "wrong guess 1" }));
    await authCodeOf(api.auth.login.mutate({ email, password: "wrong guess 2" }));
    expect(await authCodeOf(api.auth.login.mutate({ email, password: PASSWORD }))).toBe(
      "RATE_LIMITED",
    );
    await api.auth.requestPasswordReset.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.reset);
    await api.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD });
    expect(
      await api.auth.login.mutate({ email, password: NEW_PASSWORD, transport: "body" }),
    ).toMatchObject({
      user: { email },
    });
  });

  it("an unknown address gets the same answer, and no mail and no row is made", async () => {
    const { server, inbox } = await startMailTestServer();
    const { email } = await signedUp(server);
    const call = (address: string) =>
      fetch(`${server.url}/trpc/auth.requestPasswordReset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: address }),
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const unknownAddress = uniqueEmail();
    const [known, unknown] = [await call(email), await call(unknownAddress)];
    expect(unknown).toEqual(known);
    await server.auth.drainMail();
    expect(inbox.messages.filter((mail) => mail.to.includes(unknownAddress))).toEqual([]);
    expect(
      Number(
        await server.queryValue(
          "SELECT count(*) FROM email_tokens WHERE purpose = 'reset_password'",
        ),
      ),
    ).toBe(1);
  });

  it("per-address limit: RATE_LIMITED past it, for known and unknown addresses alike", async () => {
    const { server } = await startMailTestServer({ RATE_LIMIT_MAIL_ADDRESS: "2" });
    const { email } = await signedUp(server);
    const api = server.client().api;
    for (const address of [email, uniqueEmail()]) {
      await api.auth.requestPasswordReset.mutate({ email: address });
      await api.auth.requestPasswordReset.mutate({ email: address });
      expect(await authCodeOf(api.auth.requestPasswordReset.mutate({ email: address }))).toBe(
        "RATE_LIMITED",
      );
    }
    // The account is not locked: its owner signs in as before.
    expect(
      await api.auth.login.mutate({ email, password: PASSWORD, transport: "body" }),
    ).toMatchObject({
      user: { email },
    });
  });

  it("per-IP limit across addresses", async () => {
    const { server } = await startMailTestServer({ RATE_LIMIT_MAIL_IP: "3" });
    const api = server.client().api;
    for (let i = 0; i < 3; i++)
      await api.auth.requestPasswordReset.mutate({ email: uniqueEmail() });
    expect(await authCodeOf(api.auth.requestPasswordReset.mutate({ email: uniqueEmail() }))).toBe(
      "RATE_LIMITED",
    );
  });

  it("a malformed or oversized token is a typed 400 that touches nothing", async () => {
    const { server } = await startMailTestServer();
    for (const token of ["short", "x".repeat(5000), "has spaces and !punctuation!!!!!!!", 42]) {
      const response = await fetch(`${server.url}/trpc/auth.resetPassword`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, newPassword: NEW_PASSWORD }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { data: { authCode: string } } };
      expect(body.error.data.authCode).toBe("INVALID_INPUT");
    }
  });

  it("stores only a hash of the token", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    await server.client().api.auth.requestPasswordReset.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.reset);
    const rows = JSON.stringify(await server.query("SELECT * FROM email_tokens"));
    expect(rows).toContain("reset_password");
    expect(rows).not.toContain(token);
  });
});
