import { describe, expect, it } from "vitest";
import { rawCall } from "./support/raw-call.ts";
import { authCodeOf, PASSWORD, signedUp, startTestServer } from "./support/test-server.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;

/**
 * Logins with `password` fired one after another; `change` starts as soon as
 * the first of them has answered, so some logins finish before it and others
 * are still verifying while it commits. Answers the logins that got a session.
 */
async function loginsDuring(
  server: Server,
  email: string,
  password: string,
  change: () => Promise<unknown>,
  count = 12,
) {
  const logins: Array<ReturnType<typeof rawCall>> = [];
  let firstAnswered!: () => void;
  const first = new Promise<void>((resolve) => {
    firstAnswered = resolve;
  });
  const changed = first.then(change);
  for (let i = 0; i < count; i++) {
    const login = rawCall(server.url, "auth.login", { email, password, transport: "body" });
    void login.then(() => firstAnswered());
    logins.push(login);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  await changed;
  return (await Promise.all(logins)).filter((login) => login.status === 200);
}

/** A session that still works: its access token is accepted or its refresh token rotates. */
async function survives(server: Server, login: Awaited<ReturnType<typeof rawCall>>) {
  const me = server.client({ accessToken: login.data.accessToken as string });
  if ((await authCodeOf(me.api.user.me.query()).catch(() => "ok")) === "ok") return true;
  const rotated = await rawCall(server.url, "auth.refresh", {
    refreshToken: login.data.refreshToken,
  });
  return rotated.status === 200;
}

describe("a login in flight cannot outlive a credential change committed meanwhile", () => {
  it("password change during a burst of old-password logins: zero survivors, over many trials", async () => {
    const server = await startTestServer({ LOGIN_FREE_FAILURES: "1000" }, "test");
    const { client, email } = await signedUp(server);
    let password = PASSWORD;
    let logged = 0;
    for (let trial = 0; trial < 6; trial++) {
      const next = `${PASSWORD} ${trial}`;
      const logins = await loginsDuring(server, email, password, () =>
        client.api.user.changePassword.mutate({ currentPassword: password, newPassword: next }),
      );
      password = next;
      logged += logins.length;
      for (const login of logins) expect(await survives(server, login)).toBe(false);
    }
    // The race was real: some logins with the old password did succeed before each change.
    expect(logged).toBeGreaterThan(0);
    const sessions = await client.api.session.list.query();
    expect(sessions.map((s) => s.current)).toEqual([true]);
  });

  it("disable during a burst of logins: none survives it, nor revives after enable", async () => {
    const server = await startTestServer({}, "test");
    const { email, result } = await signedUp(server);
    const operator = { ip: null, userAgent: "operator" };
    let logged = 0;
    for (let trial = 0; trial < 6; trial++) {
      const logins = await loginsDuring(server, email, PASSWORD, () =>
        server.auth.accounts.setDisabled(result.user.id, true, operator),
      );
      logged += logins.length;
      await server.auth.accounts.setDisabled(result.user.id, false, operator);
      for (const login of logins) expect(await survives(server, login)).toBe(false);
    }
    expect(logged).toBeGreaterThan(0);
  });
});
