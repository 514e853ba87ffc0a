import { describe, expect, it } from "vitest";
import {
  authOn,
  codeOf,
  email,
  freshDatabaseFile,
  META,
  openStorage,
  PASSWORD,
} from "./support/fixtures.ts";

/** Two auth cores on two connections to one file: two server processes sharing a database. */
async function twoProcesses() {
  const file = freshDatabaseFile();
  const a = await authOn(openStorage(file));
  const b = await authOn(openStorage(file), a.clock);
  return { a: a.auth, b: b.auth, clock: a.clock };
}

describe("several processes sharing one database", () => {
  it("a revocation in one is seen at once by the other's access-token check", async () => {
    const { a, b } = await twoProcesses();
    const pair = await a.accounts.register({ email: email(), password: PASSWORD }, META);
    expect(await codeOf(b.authenticate(pair.accessToken))).toBe("ok");
    await a.sessions.logout(pair.user.id, pair.sessionId, META);
    expect(await codeOf(b.authenticate(pair.accessToken))).toBe("SESSION_REVOKED");
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
