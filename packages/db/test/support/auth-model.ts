import {
  AUTH_DEFAULTS,
  type AuthService,
  type AuthStorage,
  type IssuedTokens,
  type ManualClock,
} from "@sesame/auth";
import fc from "fast-check";
import { expect } from "vitest";
import { type Backend, eventually } from "./backends.ts";
import { codeOf, META } from "./fixtures.ts";

/**
 * A small reference model of the session rules, for model-based tests of the
 * real auth core on real storage (fc.commands): each command runs on the
 * system, is checked against what the model says must happen, then moves the
 * model. The model knows only the rules, none of the mechanics:
 * - a session is live or revoked; a revoked one stays revoked;
 * - refreshing the current token gives one successor, however many parallel
 *   requests present it; its parent, inside the grace window, gives that same
 *   successor; the parent outside it, or any older token, revokes the session;
 * - a password change revokes the user's other sessions, logout its session,
 *   logout-all every one, a revoke of another user's session nothing;
 * - a revoked session's access token is refused, a live one's accepted.
 */

const GRACE_MS = AUTH_DEFAULTS.refreshReuseGrace * 1000;

export interface ModelUser {
  id: string;
  email: string;
  password: string;
}

export interface ModelSession {
  id: string;
  userId: string;
  live: boolean;
  /** Every refresh token the session issued, oldest first: the last is current, the one before it the parent. */
  tokens: string[];
  /** When the current token was issued by a rotation (null: never rotated). */
  rotatedAt: number | null;
  accessToken: string;
}

export interface Model {
  now: number;
  users: ModelUser[];
  sessions: ModelSession[];
}

/** Two server processes (two auth cores, two storages on one database) sharing a clock. */
export interface Real {
  backend: Backend;
  clock: ManualClock;
  processes: [AuthService, AuthService];
  storages: [AuthStorage, AuthStorage];
}

type Command = fc.AsyncCommand<Model, Real>;

/** How many commands of each kind ran (not skipped by their precondition), for the test to report. */
export const ran = new Map<string, number>();
const count = (name: string) => ran.set(name, (ran.get(name) ?? 0) + 1);
const MAX_USERS = 3;
const MAX_SESSIONS = 8;
let emails = 0;
let passwords = 0;

function sessionFrom(tokens: IssuedTokens): ModelSession {
  return {
    id: tokens.sessionId,
    userId: tokens.user.id,
    live: true,
    tokens: [tokens.refreshToken],
    rotatedAt: null,
    accessToken: tokens.accessToken,
  };
}

const on = (r: Real, via: number): AuthService => r.processes[via % 2] as AuthService;
const pick = <T>(items: T[], index: number): T => items[index % items.length] as T;
const userOf = (m: Model, session: ModelSession) =>
  m.users.find((user) => user.id === session.userId) as ModelUser;

class Register implements Command {
  check = (m: Readonly<Model>) => m.users.length < MAX_USERS && m.sessions.length < MAX_SESSIONS;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const user = { email: `model${++emails}.${Date.now()}@example.com`, password: newPassword() };
    const pair = await r.processes[0].accounts.register(user, META);
    m.users.push({ ...user, id: pair.user.id });
    m.sessions.push(sessionFrom(pair));
    await verify(m, r);
  }
  toString = () => "register";
}

class Login implements Command {
  constructor(
    readonly user: number,
    readonly via: number,
  ) {}
  check = (m: Readonly<Model>) => m.users.length > 0 && m.sessions.length < MAX_SESSIONS;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const user = pick(m.users, this.user);
    const pair = await on(r, this.via).accounts.login(user, META);
    expect(pair.user.id).toBe(user.id);
    m.sessions.push(sessionFrom(pair));
    await verify(m, r);
  }
  toString = () => `login(user ${this.user}, via ${this.via})`;
}

type Presented = "current" | "parent" | "older";

/** `parallel` requests at once with one token of a session, spread over both processes. */
class Refresh implements Command {
  constructor(
    readonly session: number,
    readonly presented: Presented,
    readonly parallel: number,
    readonly via: number,
  ) {}
  private candidates(m: Readonly<Model>) {
    const depth = { current: 1, parent: 2, older: 3 }[this.presented];
    return m.sessions.filter((session) => session.tokens.length >= depth);
  }
  check = (m: Readonly<Model>) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const session = pick(this.candidates(m), this.session);
    const back = { current: 1, parent: 2, older: 3 }[this.presented];
    const token = session.tokens.at(-back) as string;
    const outcomes = await Promise.all(
      Array.from({ length: this.parallel }, (_, i) =>
        on(r, this.via + i)
          .refresh(token, META)
          .then(
            (tokens) => ({ code: "ok", tokens }),
            (error: unknown) =>
              codeOf(Promise.reject(error)).then((code) => ({ code, tokens: undefined })),
          ),
      ),
    );
    const codes = outcomes.map(({ code }) => code);
    if (!session.live) {
      expect(codes).toEqual(Array(this.parallel).fill("SESSION_REVOKED"));
    } else if (
      this.presented === "current" ||
      (this.presented === "parent" &&
        session.rotatedAt !== null &&
        m.now - session.rotatedAt <= GRACE_MS)
    ) {
      // One successor for all: the current token's rotation, or the grace answer.
      expect(codes).toEqual(Array(this.parallel).fill("ok"));
      const successors = new Set(outcomes.map(({ tokens }) => tokens?.refreshToken));
      expect(successors.size).toBe(1);
      const successor = outcomes[0]?.tokens?.refreshToken as string;
      if (this.presented === "current") {
        expect(session.tokens).not.toContain(successor);
        session.tokens.push(successor);
        session.rotatedAt = m.now;
      } else {
        expect(successor).toBe(session.tokens.at(-1));
      }
      session.accessToken = outcomes[0]?.tokens?.accessToken ?? session.accessToken;
    } else {
      // A spent token: theft. Parallel replays may find the session already revoked.
      for (const code of codes) expect(["REFRESH_REUSED", "SESSION_REVOKED"]).toContain(code);
      expect(codes).toContain("REFRESH_REUSED");
      session.live = false;
    }
    await verify(m, r);
  }
  toString = () =>
    `refresh(session ${this.session}, ${this.presented}, ×${this.parallel}, via ${this.via})`;
}

class Logout implements Command {
  constructor(
    readonly session: number,
    readonly via: number,
  ) {}
  check = (m: Readonly<Model>) => m.sessions.length > 0;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const session = pick(m.sessions, this.session);
    await on(r, this.via).sessions.logout(session.userId, session.id, META);
    session.live = false;
    await verify(m, r);
  }
  toString = () => `logout(session ${this.session}, via ${this.via})`;
}

class LogoutAll implements Command {
  constructor(
    readonly user: number,
    readonly via: number,
  ) {}
  check = (m: Readonly<Model>) => m.users.length > 0;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const user = pick(m.users, this.user);
    const theirs = m.sessions.filter((session) => session.userId === user.id);
    const ended = await on(r, this.via).sessions.logoutAll(user.id, META);
    expect(ended).toBe(theirs.filter((session) => session.live).length);
    for (const session of theirs) session.live = false;
    await verify(m, r);
  }
  toString = () => `logoutAll(user ${this.user}, via ${this.via})`;
}

/** Revokes a session from the sessions list, as its user or as another one (who must get nothing). */
class Revoke implements Command {
  constructor(
    readonly session: number,
    readonly asOther: boolean,
    readonly via: number,
  ) {}
  check = (m: Readonly<Model>) => m.sessions.length > 0;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const session = pick(m.sessions, this.session);
    const other = m.users.find((user) => user.id !== session.userId);
    const control = on(r, this.via).sessions;
    if (this.asOther && other) {
      expect(await codeOf(control.revoke(other.id, session.id, META))).toBe("SESSION_NOT_FOUND");
    } else {
      await control.revoke(session.userId, session.id, META);
      session.live = false;
    }
    await verify(m, r);
  }
  toString = () =>
    `revoke(session ${this.session}, ${this.asOther ? "as another user" : "as its user"}, via ${this.via})`;
}

/** A password change from a live session: the user's other sessions end, this one lives on. */
class ChangePassword implements Command {
  constructor(
    readonly session: number,
    readonly via: number,
  ) {}
  check = (m: Readonly<Model>) => m.sessions.some((session) => session.live);
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    const session = pick(
      m.sessions.filter((s) => s.live),
      this.session,
    );
    const user = userOf(m, session);
    const next = newPassword();
    await on(r, this.via).accounts.changePassword(
      user.id,
      session.id,
      { currentPassword: user.password, newPassword: next },
      META,
    );
    user.password = next;
    for (const s of m.sessions) if (s.userId === user.id && s.id !== session.id) s.live = false;
    await verify(m, r);
  }
  toString = () => `changePassword(session ${this.session}, via ${this.via})`;
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    count(this.constructor.name);
    r.clock.advance(this.ms);
    m.now += this.ms;
  }
  toString = () => `advance(${this.ms} ms)`;
}

function newPassword(): string {
  return `model passphrase number ${++passwords}`;
}

/**
 * The system agrees with the model: each session's row is revoked exactly
 * when the model says so, each user's active sessions are the model's live
 * ones, and each session's latest access token is accepted by both processes
 * while live, refused once revoked (by the other process within the
 * backend's revocation delay).
 */
async function verify(m: Model, r: Real): Promise<void> {
  const [storage] = r.storages;
  for (const session of m.sessions) {
    const row = await storage.sessions.findById(session.id);
    expect(row?.revokedAt === null, `session ${session.id} live`).toBe(session.live);
  }
  for (const user of m.users) {
    const active = await storage.sessions.listActive(user.id, m.now);
    const live = m.sessions.filter((s) => s.userId === user.id && s.live).map((s) => s.id);
    expect(active.map((s) => s.id).sort()).toEqual(live.sort());
  }
  for (const session of m.sessions) {
    for (const auth of r.processes) {
      const expected = session.live ? "ok" : "SESSION_REVOKED";
      const agrees = () =>
        codeOf(auth.authenticate(session.accessToken)).then((c) => c === expected);
      const delay = session.live ? 0 : r.backend.revocationDelayMs;
      expect(await eventually(delay, agrees), `${session.id}'s access token: ${expected}`).toBe(
        true,
      );
    }
  }
}

const via = fc.integer({ min: 0, max: 1 });

const refresh = fc
  .tuple(
    fc.nat(),
    fc.constantFrom<Presented>("current", "current", "parent", "older"),
    fc.integer({ min: 1, max: 3 }),
    via,
  )
  .map(([session, presented, parallel, v]) => new Refresh(session, presented, parallel, v));
// Inside the grace window, at its edge, just past it, well past it.
const advance = fc
  .constantFrom(1_000, 5_000, 9_000, GRACE_MS, GRACE_MS + 1, 11_000)
  .map((ms) => new Advance(ms));

/**
 * Every command, with its arguments drawn at random (indices are resolved
 * against the model when run); refreshes and clock moves weigh more, since
 * the rotation rules need chains and time to show.
 */
export const authCommands = [
  fc.constant(new Register()),
  fc.tuple(fc.nat(), via).map(([user, v]) => new Login(user, v)),
  refresh,
  refresh,
  refresh,
  advance,
  advance,
  fc.tuple(fc.nat(), via).map(([session, v]) => new Logout(session, v)),
  fc.tuple(fc.nat(), via).map(([user, v]) => new LogoutAll(user, v)),
  fc.tuple(fc.nat(), fc.boolean(), via).map(([session, other, v]) => new Revoke(session, other, v)),
  fc.tuple(fc.nat(), via).map(([session, v]) => new ChangePassword(session, v)),
];

/** A run's start: one user signed up on the first process, in the system and the model. */
export async function signedUpModel(real: Real): Promise<Model> {
  const model: Model = { now: real.clock.now(), users: [], sessions: [] };
  await new Register().run(model, real);
  return model;
}
