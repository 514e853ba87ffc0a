import { describe, expect, it } from "vitest";
import { SUBJECT, startMailTestServer } from "./support/mail-test-server.ts";
import { authCodeOf, PASSWORD, signedUp, uniqueEmail } from "./support/test-server.ts";

describe("sign-in links", () => {
  it("a link by mail opens a new session like a password would, and verifies the address", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    const phone = server.client();
    expect(await phone.api.auth.requestSignInLink.mutate({ email })).toEqual({ ok: true });
    const { link, token } = await nextMail(email, SUBJECT.signIn);
    expect(link).toBe(`${server.issuer}/sign-in-link#token=${token}`);
    const result = await phone.api.auth.signInWithLink.mutate({ token, transport: "body" });
    expect(result.user).toMatchObject({ email, emailVerified: true });
    expect(result.refreshToken).toEqual(expect.any(String));
    phone.accessToken = result.accessToken;
    expect(await phone.api.user.me.query()).toMatchObject({ email });
    // A normal session: listed among the devices, refreshable, auditable.
    expect(await client.api.session.list.query()).toHaveLength(2);
    await phone.api.auth.refresh.mutate({ refreshToken: result.refreshToken });
    const types = (await client.api.audit.list.query()).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(["sign_in_link_requested", "sign_in_link_used"]));
    expect(await authCodeOf(phone.api.auth.signInWithLink.mutate({ token }))).toBe("LINK_INVALID");
  });

  it("with the cookie transport it sets the refresh cookie, from an allowed origin only", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    const api = server.client().api;
    await api.auth.requestSignInLink.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.signIn);
    const call = (origin: string) =>
      fetch(`${server.url}/trpc/auth.signInWithLink`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ token }),
      });
    const foreign = await call("https://evil.example");
    expect(foreign.status).toBe(403);
    const own = await call(server.issuer);
    expect(own.status).toBe(200);
    expect(own.headers.getSetCookie().join(";")).toMatch(/HttpOnly/i);
  });

  it("two simultaneous uses of one link make exactly one session", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { client, email } = await signedUp(server);
    await server.client().api.auth.requestSignInLink.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.signIn);
    const outcomes = await Promise.all(
      [1, 2].map(() =>
        server
          .client()
          .api.auth.signInWithLink.mutate({ token, transport: "body" })
          .then(
            () => "ok",
            (error: { data?: { authCode?: string } }) => error.data?.authCode,
          ),
      ),
    );
    expect(outcomes.sort()).toEqual(["LINK_INVALID", "ok"]);
    expect(await client.api.session.list.query()).toHaveLength(2);
  });

  it("expires after 15 minutes", async () => {
    const { server, nextMail } = await startMailTestServer();
    const { email } = await signedUp(server);
    await server.client().api.auth.requestSignInLink.mutate({ email });
    const { token } = await nextMail(email, SUBJECT.signIn);
    server.clock.advance(15 * 60 * 1000 + 1);
    expect(await authCodeOf(server.client().api.auth.signInWithLink.mutate({ token }))).toBe(
      "LINK_EXPIRED",
    );
  });

  it("an unknown or disabled account gets the same answer and no mail", async () => {
    const { server, inbox } = await startMailTestServer();
    const { email } = await signedUp(server);
    await server.auth.accounts.setDisabled(
      (
        await server.auth.accounts.login(
          { email, password: PASSWORD },
          { ip: null, userAgent: null },
        )
      ).user.id,
      true,
      { ip: null, userAgent: null },
    );
    const unknown = uniqueEmail();
    const api = server.client().api;
    expect(await api.auth.requestSignInLink.mutate({ email: unknown })).toEqual({ ok: true });
    expect(await api.auth.requestSignInLink.mutate({ email })).toEqual({ ok: true });
    await server.auth.drainMail();
    expect(inbox.messages.filter((mail) => mail.subject === SUBJECT.signIn)).toEqual([]);
  });
});
