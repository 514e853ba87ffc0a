import type { AuditEventType, AuditRecord, AuthStorage, FoldInstruction } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends } from "./support/backends.ts";
import { email } from "./support/fixtures.ts";

/**
 * The store's side of audit folding: it applies whatever instruction it is
 * given, atomically. These instructions are written out here rather than
 * taken from the auth core's rules, so the tests pin the primitive each
 * backend implements.
 */

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let users = 0;
async function user(storage: AuthStorage): Promise<string> {
  const id = `user-${++users}`;
  await storage.users.create({
    id,
    email: email(),
    name: null,
    role: "user",
    passwordHash: "not a hash",
    createdAt: T0,
    updatedAt: T0,
    disabledAt: null,
    credentialVersion: 0,
    emailVerifiedAt: null,
  });
  return id;
}

const event = (
  userId: string,
  type: AuditEventType,
  at: number,
  more: Partial<AuditRecord> = {},
): AuditRecord => ({
  type,
  at,
  userId,
  sessionId: null,
  ip: "203.0.113.7",
  userAgent: "vitest",
  ...more,
});

/** Fold into the latest row of the type started within the hour before `now`, broken by `breakers`, capped at `rows`. */
const instruction = (
  now: number,
  options: { breakers?: AuditEventType[]; sameSession?: boolean; rows?: number } = {},
): FoldInstruction => ({
  sameSession: options.sameSession ?? false,
  since: now - HOUR,
  breakers: options.breakers ?? [],
  cap: {
    types: ["login_failed", "login_throttled", "refresh"],
    since: now - HOUR,
    rows: options.rows ?? 100,
  },
});

const list = (storage: AuthStorage, userId: string, limit = 200) =>
  storage.audit.listForUser(userId, { limit });

describe.each(backends)("the audit store on $dialect", (backend: Backend) => {
  it("without an instruction writes one row per event: count 1, first time equal to the time", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    await storage.audit.append(event(id, "login_failed", T0));
    await storage.audit.append(event(id, "login_failed", T0 + 1));
    const rows = await list(storage, id);
    expect(rows.map((row) => [row.count, row.firstAt, row.at])).toEqual([
      [1, T0 + 1, T0 + 1],
      [1, T0, T0],
    ]);
  });

  it("folds into the latest row of the type: count, first and last time, the latest's IP and user agent", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    for (let i = 0; i < 5; i++) {
      const at = T0 + i * MINUTE;
      await storage.audit.append(
        event(id, "login_failed", at, { ip: `198.51.100.${i}`, userAgent: `agent ${i}` }),
        instruction(at),
      );
    }
    expect(await list(storage, id)).toEqual([
      expect.objectContaining({
        type: "login_failed",
        count: 5,
        firstAt: T0,
        at: T0 + 4 * MINUTE,
        ip: "198.51.100.4",
        userAgent: "agent 4",
      }),
    ]);
  });

  it("a breaker written after the row ends its run, whoever wrote it; other types do not", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const fold = (at: number) => instruction(at, { breakers: ["login_succeeded"] });
    await storage.audit.append(event(id, "login_failed", T0), fold(T0));
    await storage.audit.append(event(id, "login_throttled", T0 + 1));
    await storage.audit.append(event(id, "login_failed", T0 + 2), fold(T0 + 2));
    // As a session store writes a sign-in: a plain insert, no instruction.
    await storage.audit.append(event(id, "login_succeeded", T0 + 3, { sessionId: "s1" }));
    await storage.audit.append(event(id, "login_failed", T0 + 4), fold(T0 + 4));
    const rows = await list(storage, id);
    expect(rows.map((row) => `${row.type}×${row.count}`)).toEqual([
      "login_failed×1",
      "login_succeeded×1",
      "login_throttled×1",
      "login_failed×2",
    ]);
  });

  it("starts a new row once the latest one's first event is before the window", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    for (const at of [T0, T0 + 30 * MINUTE, T0 + HOUR, T0 + HOUR + 1, T0 + 2 * HOUR]) {
      await storage.audit.append(event(id, "login_failed", at), instruction(at));
    }
    const rows = await list(storage, id);
    expect(rows.map((row) => [row.count, row.firstAt, row.at])).toEqual([
      [2, T0 + HOUR + 1, T0 + 2 * HOUR],
      [3, T0, T0 + HOUR],
    ]);
  });

  it("with sameSession folds only into a row of the event's own session", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const fold = (at: number) => instruction(at, { sameSession: true });
    for (const [sessionId, at] of [
      ["s1", T0],
      ["s2", T0 + 1],
      ["s1", T0 + 2],
      ["s1", T0 + 3],
      ["s2", T0 + 4],
    ] as const) {
      await storage.audit.append(event(id, "refresh", at, { sessionId }), fold(at));
    }
    const rows = await list(storage, id);
    expect(rows.map((row) => [row.sessionId, row.count, row.firstAt, row.at])).toEqual([
      ["s2", 2, T0 + 1, T0 + 4],
      ["s1", 3, T0, T0 + 3],
    ]);
  });

  it("a session's own run (sameSession, no breakers) keeps folding into its row past the cap, and only into a live run", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const fold = (at: number) => instruction(at, { sameSession: true, rows: 2 });
    await storage.audit.append(event(id, "refresh", T0, { sessionId: "s1" }), fold(T0));
    await storage.audit.append(event(id, "refresh", T0 + 1, { sessionId: "s2" }), fold(T0 + 1));
    // The cap is reached; s1's refresh still goes to s1's row, not to the latest refresh row (s2's).
    await storage.audit.append(
      event(id, "refresh", T0 + 2, { sessionId: "s1", ip: "198.51.100.1" }),
      fold(T0 + 2),
    );
    let rows = await list(storage, id);
    expect(rows.map((row) => [row.sessionId, row.count, row.firstAt, row.at, row.ip])).toEqual([
      ["s2", 1, T0 + 1, T0 + 1, "203.0.113.7"],
      ["s1", 2, T0, T0 + 2, "198.51.100.1"],
    ]);
    // A detail of its own is another run; past the cap it folds into the latest row of its type.
    await storage.audit.append(
      event(id, "refresh", T0 + 3, { sessionId: "s1", detail: { provider: "github" } }),
      fold(T0 + 3),
    );
    expect((await list(storage, id)).map((row) => [row.sessionId, row.count])).toEqual([
      ["s1", 2],
      ["s1", 2],
    ]);
    // Past the window, the session's run is over: a new row (the cap counts afresh too).
    const later = T0 + HOUR + 10;
    await storage.audit.append(event(id, "refresh", later, { sessionId: "s1" }), fold(later));
    rows = await list(storage, id);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ sessionId: "s1", count: 1, firstAt: later });
  });

  it("past the cap folds into the latest row of the type whatever breaks it, or adds one when there is none", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const fold = (at: number) => instruction(at, { breakers: ["logout"], rows: 3 });
    for (let i = 0; i < 3; i++) {
      await storage.audit.append(event(id, "login_failed", T0 + i), fold(T0 + i));
      await storage.audit.append(event(id, "logout", T0 + i));
    }
    // Neither these nor the logouts count against the cap: only its types do.
    await storage.audit.append(event(id, "login_succeeded", T0 + 3, { sessionId: "s9" }));
    expect(await list(storage, id)).toHaveLength(7);

    await storage.audit.append(
      event(id, "login_failed", T0 + 4, { ip: "198.51.100.1" }),
      fold(T0 + 4),
    );
    await storage.audit.append(event(id, "login_throttled", T0 + 5), fold(T0 + 5));
    await storage.audit.append(event(id, "login_throttled", T0 + 6), fold(T0 + 6));
    // Never folded: written past the cap too.
    await storage.audit.append(event(id, "login_succeeded", T0 + 7, { sessionId: "s10" }));
    const rows = await list(storage, id);
    expect(rows.map((row) => `${row.type}×${row.count}`)).toEqual([
      "login_succeeded×1",
      "login_throttled×2",
      "login_succeeded×1",
      "logout×1",
      "login_failed×2",
      "logout×1",
      "login_failed×1",
      "logout×1",
      "login_failed×1",
    ]);
    expect(rows[4]).toMatchObject({ firstAt: T0 + 2, at: T0 + 4, ip: "198.51.100.1" });

    // An hour later the cap counts afresh.
    const later = T0 + HOUR + 10;
    await storage.audit.append(event(id, "login_failed", later), fold(later));
    expect((await list(storage, id))[0]).toMatchObject({ type: "login_failed", count: 1 });
  });

  it("counts only the user's own rows, for the run and for the cap", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    const fold = (at: number) => instruction(at, { breakers: ["login_succeeded"], rows: 2 });
    await storage.audit.append(event(a, "login_failed", T0), fold(T0));
    await storage.audit.append(event(b, "login_succeeded", T0 + 1));
    await storage.audit.append(event(b, "login_failed", T0 + 2), fold(T0 + 2));
    await storage.audit.append(event(b, "login_failed", T0 + 3), fold(T0 + 3));
    await storage.audit.append(event(a, "login_failed", T0 + 4), fold(T0 + 4));
    expect((await list(storage, a)).map((row) => row.count)).toEqual([2]);
    expect((await list(storage, b)).map((row) => row.count)).toEqual([2, 1]);
  });

  it("folds events appended at once, in one process or two sharing the database, without losing a count", async () => {
    const one = await backend.open();
    const two = await backend.openSecond(one);
    const id = await user(one);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).audit.append(event(id, "login_failed", T0 + i), instruction(T0 + i)),
      ),
    );
    expect(await list(one, id)).toEqual([
      expect.objectContaining({ count: 40, firstAt: T0, at: T0 + 39 }),
    ]);
  });

  it("folds a session's refreshes appended at once, in two processes, into one run: the first ones race to start it", async () => {
    const one = await backend.open();
    const two = await backend.openSecond(one);
    const id = await user(one);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).audit.append(
          event(id, "refresh", T0 + i, { sessionId: "s1" }),
          instruction(T0 + i, { sameSession: true }),
        ),
      ),
    );
    expect(await list(one, id)).toEqual([
      expect.objectContaining({ type: "refresh", sessionId: "s1", count: 40, firstAt: T0 }),
    ]);
  });

  it("keeps an event's detail, and an event without one reads back without one", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    await storage.audit.append(event(id, "recovery_code_used", T0, { detail: { remaining: 7 } }));
    await storage.audit.append(
      event(id, "oauth_sign_in", T0 + 1, { sessionId: "s1", detail: { provider: "google" } }),
    );
    await storage.audit.append(event(id, "logout", T0 + 2, { sessionId: "s1" }));
    // An empty detail says nothing: stored as none.
    await storage.audit.append(event(id, "logout", T0 + 3, { detail: {} }));
    const rows = await list(storage, id);
    expect(rows.map((row) => [row.type, row.detail])).toEqual([
      ["logout", undefined],
      ["logout", undefined],
      ["oauth_sign_in", { provider: "google" }],
      ["recovery_code_used", { remaining: 7 }],
    ]);
    expect(rows[0]).not.toHaveProperty("detail");
  });

  it("folds a run only with an equal detail (none equals none, whatever the key order)", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const details = [
      undefined,
      { provider: "github", remaining: 2 },
      undefined,
      { remaining: 2, provider: "github" },
      { provider: "google" },
      { provider: "github", remaining: 2 },
    ];
    for (const [i, detail] of details.entries()) {
      const at = T0 + i * MINUTE;
      await storage.audit.append(event(id, "login_failed", at, { detail }), instruction(at));
    }
    const rows = await list(storage, id);
    expect(rows.map((row) => [row.detail, row.count, row.firstAt, row.at])).toEqual([
      [{ provider: "google" }, 1, T0 + 4 * MINUTE, T0 + 4 * MINUTE],
      [{ provider: "github", remaining: 2 }, 3, T0 + MINUTE, T0 + 5 * MINUTE],
      [undefined, 2, T0, T0 + 2 * MINUTE],
    ]);
  });

  it("past the cap folds into the latest row of the type whatever its detail, which becomes the event's", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    const fold = (at: number) => instruction(at, { rows: 2 });
    await storage.audit.append(
      event(id, "login_failed", T0, { detail: { provider: "a" } }),
      fold(T0),
    );
    await storage.audit.append(
      event(id, "login_failed", T0 + 1, { detail: { provider: "b" } }),
      fold(T0 + 1),
    );
    // Two rows: the cap is reached, so neither a third detail nor none adds a row.
    await storage.audit.append(
      event(id, "login_failed", T0 + 2, { detail: { provider: "c" } }),
      fold(T0 + 2),
    );
    expect((await list(storage, id)).map((row) => [row.detail, row.count])).toEqual([
      [{ provider: "c" }, 2],
      [{ provider: "a" }, 1],
    ]);
    await storage.audit.append(event(id, "login_failed", T0 + 3), fold(T0 + 3));
    expect((await list(storage, id)).map((row) => [row.detail, row.count])).toEqual([
      [undefined, 3],
      [{ provider: "a" }, 1],
    ]);
  });

  it("lists newest first by id, pages with `before` and filters by type", async () => {
    const storage = await backend.open();
    const id = await user(storage);
    await storage.audit.append(event(id, "login_failed", T0), instruction(T0));
    await storage.audit.append(event(id, "login_succeeded", T0 + 1, { sessionId: "s1" }));
    await storage.audit.append(event(id, "refresh", T0 + 2, { sessionId: "s1" }));
    await storage.audit.append(event(id, "logout", T0 + 3, { sessionId: "s1" }));
    // Folding moves the oldest row's time past the others; its place stays.
    await storage.audit.append(event(id, "login_failed", T0 + 4), instruction(T0 + 4));
    const all = await list(storage, id);
    expect(all.map((row) => row.type)).toEqual([
      "logout",
      "refresh",
      "login_succeeded",
      "login_failed",
    ]);
    const page = await storage.audit.listForUser(id, { limit: 2, before: all[1]?.id });
    expect(page.map((row) => row.type)).toEqual(["login_succeeded", "login_failed"]);
    const filtered = await storage.audit.listForUser(id, {
      limit: 10,
      types: ["login_failed", "logout"],
    });
    expect(filtered.map((row) => row.type)).toEqual(["logout", "login_failed"]);
    const older = await storage.audit.listForUser(id, {
      limit: 10,
      before: all[0]?.id,
      types: ["logout"],
    });
    expect(older).toEqual([]);
  });
});
