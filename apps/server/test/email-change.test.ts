import { describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { authCodeOf, PASSWORD, signedUp, uniqueEmail } from "./support/test-server.ts";

describe("changing the email address", () => {
  it("needs the password; changes only once the new address confirms; tells the old address with no link", async () => {
    const { server, inbox, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    const newEmail = uniqueEmail();
    expect(
      await authCodeOf(
        client.api.user.changeEmail.mutate({ newEmail, currentPassword: "not the password" }),
      ),
    ).toBe("INVALID_CREDENTIALS");
    expect(
      await client.api.user.changeEmail.mutate({ newEmail, currentPassword: PASSWORD }),
    ).toEqual({ ok: true });
    const { link, token } = await nextMail(newEmail, SUBJECT.change);
    expect(link).toBe(`${server.issuer}/confirm-email#token=${token}`);
    const notice = await inbox.waitFor(
      (m) => m.to.includes(email) && m.subject === SUBJECT.changeNotice,
    );
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toMatch(/https?:/);
    // Not yet: the account keeps its address until the link is opened.
    expect(await client.api.user.me.query()).toMatchObject({ email });

    expect(await server.client().api.auth.confirmEmailChange.mutate({ token })).toEqual({
      ok: true,
    });
    expect(await client.api.user.me.query()).toMatchObject({
      email: newEmail,
      emailVerified: true,
    });
    const api = server.client().api;
    expect(await authCodeOf(api.auth.login.mutate({ email, password: PASSWORD }))).toBe(
      "INVALID_CREDENTIALS",
    );
    expect(
      await api.auth.login.mutate({ email: newEmail, password: PASSWORD, transport: "body" }),
    ).toMatchObject({
      user: { email: newEmail },
    });
    expect(await authCodeOf(api.auth.confirmEmailChange.mutate({ token }))).toBe("LINK_INVALID");
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(["email_change_requested", "email_changed"]));
  });

  it("an address another account holds is EMAIL_TAKEN, at the request or, if taken meanwhile, at the confirmation", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client } = await signedUp(server);
    const other = await signedUp(server);
    expect(
      await authCodeOf(
        client.api.user.changeEmail.mutate({ newEmail: other.email, currentPassword: PASSWORD }),
      ),
    ).toBe("EMAIL_TAKEN");
    const newEmail = uniqueEmail();
    await client.api.user.changeEmail.mutate({ newEmail, currentPassword: PASSWORD });
    const { token } = await nextMail(newEmail, SUBJECT.change);
    await signedUp(server, newEmail);
    expect(await authCodeOf(server.client().api.auth.confirmEmailChange.mutate({ token }))).toBe(
      "EMAIL_TAKEN",
    );
  });

  it("links mailed to the old address stop working once the address changed", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    await server.client().api.auth.requestPasswordReset.mutate({ email });
    const reset = await nextMail(email, SUBJECT.reset);
    const newEmail = uniqueEmail();
    await client.api.user.changeEmail.mutate({ newEmail, currentPassword: PASSWORD });
    const change = await nextMail(newEmail, SUBJECT.change);
    await server.client().api.auth.confirmEmailChange.mutate({ token: change.token });
    expect(
      await authCodeOf(
        server.client().api.auth.resetPassword.mutate({
          token: reset.token,
          newPassword: "a brand new passphrase",
        }),
      ),
    ).toBe("LINK_INVALID");
  });

  it("expires after an hour", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client } = await signedUp(server);
    const newEmail = uniqueEmail();
    await client.api.user.changeEmail.mutate({ newEmail, currentPassword: PASSWORD });
    const { token } = await nextMail(newEmail, SUBJECT.change);
    server.clock.advance(60 * 60 * 1000 + 1);
    expect(await authCodeOf(server.client().api.auth.confirmEmailChange.mutate({ token }))).toBe(
      "LINK_EXPIRED",
    );
  });
});
