import { describe, expect, it } from "vitest";
import { type Backend, backends, eventually } from "./support/backends.ts";
import { authOn, codeOf, email, META, PASSWORD } from "./support/fixtures.ts";

describe.each(backends)("several processes sharing one $dialect database", (backend: Backend) => {
  /** Two auth cores on two connections to one database: two server processes. */
  async function twoProcesses() {
    const storage = await backend.open();
    const a = await authOn(storage);
    const b = await authOn(await backend.openSecond(storage), a.clock);
    return { a: a.auth, b: b.auth, clock: a.clock };
  }

  it("a revocation in one reaches the other's access-token check (SQLite: at once; PostgreSQL: within 1 s)", async () => {
    const { a, b } = await twoProcesses();
    const pair = await a.accounts.register({ email: email(), password: PASSWORD }, META);
    expect(await codeOf(b.authenticate(pair.accessToken))).toBe("ok");
    await a.sessions.logout(pair.user.id, pair.sessionId, META);
    const refused = () =>
      codeOf(b.authenticate(pair.accessToken)).then((code) => code === "SESSION_REVOKED");
    expect(await eventually(backend.revocationDelayMs, refused)).toBe(true);
  });

  it("a password change in one ends the user's other sessions in the other", async () => {
    const { a, b } = await twoProcesses();
    const address = email();
    const first = await a.accounts.register({ email: address, password: PASSWORD }, META);
    const second = await b.accounts.login({ email: address, password: PASSWORD }, META);
    await a.accounts.changePassword(
      first.user.id,
      first.sessionId,
      { currentPassword: PASSWORD, newPassword: "a new and different passphrase" },
      META,
    );
    const refused = () =>
      codeOf(b.authenticate(second.accessToken)).then((code) => code === "SESSION_REVOKED");
    expect(await eventually(backend.revocationDelayMs, refused)).toBe(true);
    expect(await codeOf(b.refresh(second.refreshToken, META))).toBe("SESSION_REVOKED");
    expect(await codeOf(b.authenticate(first.accessToken))).toBe("ok");
  });

  it("disabling an account in one ends its sessions in the other; enabling it revives none", async () => {
    const { a, b } = await twoProcesses();
    const address = email();
    const first = await a.accounts.register({ email: address, password: PASSWORD }, META);
    const second = await b.accounts.login({ email: address, password: PASSWORD }, META);
    await a.accounts.setDisabled(first.user.id, true, META);
    for (const pair of [first, second]) {
      const refused = () =>
        codeOf(b.authenticate(pair.accessToken)).then((code) => code === "SESSION_REVOKED");
      expect(await eventually(backend.revocationDelayMs, refused)).toBe(true);
    }
    expect(await codeOf(b.accounts.login({ email: address, password: PASSWORD }, META))).toBe(
      "ACCOUNT_DISABLED",
    );
    await b.accounts.setDisabled(first.user.id, false, META);
    expect(await codeOf(a.refresh(second.refreshToken, META))).toBe("SESSION_REVOKED");
    expect(await codeOf(a.accounts.login({ email: address, password: PASSWORD }, META))).toBe("ok");
  });

  it("the same refresh token rotated in both at once yields one successor", async () => {
    const { a, b } = await twoProcesses();
    const pair = await a.accounts.register({ email: email(), password: PASSWORD }, META);
    const [fromA, fromB] = await Promise.all([
      a.refresh(pair.refreshToken, META),
      b.refresh(pair.refreshToken, META),
    ]);
    expect(fromA.refreshToken).toBe(fromB.refreshToken);
  });

  it("failed-login limits count across processes", async () => {
    const { a, b } = await twoProcesses();
    const address = email();
    await a.accounts.register({ email: address, password: PASSWORD }, META);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const auth = i % 2 === 0 ? a : b;
      codes.push(
        await codeOf(auth.accounts.login({ email: address, password: "wrong password" }, META)),
      );
    }
    expect(codes.slice(0, 5)).toEqual(Array(5).fill("INVALID_CREDENTIALS"));
    expect(codes[5]).toBe("RATE_LIMITED");
  });
});
