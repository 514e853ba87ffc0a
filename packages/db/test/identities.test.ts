import type {
  AuditEventType,
  AuditRecord,
  AuthStorage,
  IdentityRecord,
  OAuthStateRecord,
  UserRecord,
} from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { email } from "./support/fixtures.ts";

/**
 * The stores' side of signing in with a provider (Google, GitHub, any
 * OpenID Connect provider): accounts without a password, the identities
 * linked to accounts, and the authorization requests in flight. Whether an
 * identity may create or join an account is the auth core's (oauth/*); these
 * tests pin the primitives each backend implements, atomic whatever the
 * number of callers.
 */

const T0 = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

let users = 0;
const userRecord = (more: Partial<UserRecord> = {}): UserRecord => ({
  id: `identity-user-${++users}`,
  email: email(),
  name: null,
  role: "user",
  passwordHash: null,
  createdAt: T0,
  updatedAt: T0,
  disabledAt: null,
  credentialVersion: 0,
  emailVerifiedAt: null,
  ...more,
});

/** A user made by `users.create`: with a password unless told otherwise. */
async function user(storage: AuthStorage, more: Partial<UserRecord> = {}): Promise<string> {
  const record = userRecord({ passwordHash: "not a hash", ...more });
  expect(await storage.users.create(record)).toBe("created");
  return record.id;
}

let subjects = 0;
const identity = (
  userId: string,
  provider = "google",
  more: Partial<IdentityRecord> = {},
): IdentityRecord => ({
  provider,
  subject: `subject-${++subjects}`,
  userId,
  email: `person${subjects}@gmail.example`,
  emailVerified: true,
  createdAt: T0,
  lastUsedAt: null,
  ...more,
});

/** The store writes the type it is given; `identity_linked` and `identity_unlinked` are the core's. */
const audit = (
  type: AuditEventType | "identity_linked" | "identity_unlinked",
  userId: string,
  at = T0,
): AuditRecord => ({
  type: type as AuditEventType,
  at,
  userId,
  sessionId: null,
  ip: "203.0.113.7",
  userAgent: "vitest",
});

let states = 0;
const state = (more: Partial<OAuthStateRecord> = {}): OAuthStateRecord => ({
  stateHash: `state hash ${++states}`,
  provider: "google",
  codeVerifier: `verifier ${states}`,
  nonce: `nonce ${states}`,
  returnTo: "/account",
  redirectUri: null,
  browserHash: `browser hash ${states}`,
  linkUserId: null,
  expiresAt: T0 + 10 * MINUTE,
  ...more,
});

describe.each(backends)("sign-in with a provider on $dialect", (backend: Backend) => {
  /** Every audit row, oldest first. */
  const events = (storage: AuthStorage) =>
    backend.query<{ type: string; user_id: string | null; at: number }>(
      storage,
      "SELECT type, user_id, at FROM audit_events ORDER BY id",
    );
  const count = (storage: AuthStorage, table: string) =>
    queryValue(backend, storage, `SELECT count(*) AS n FROM ${table}`);

  const link = async (storage: AuthStorage, record: IdentityRecord) => {
    expect(await storage.identities.link(record, audit("identity_linked", record.userId))).toBe(
      "linked",
    );
    return record;
  };

  const passkeyOf = (storage: AuthStorage, userId: string) =>
    storage.passkeys.create(
      {
        id: `credential of ${userId}`,
        userId,
        publicKey: "a public key",
        counter: 0,
        transports: ["internal"],
        deviceType: "multiDevice",
        backedUp: true,
        name: null,
        createdAt: T0,
        lastUsedAt: null,
      },
      audit("passkey_added", userId),
    );

  describe("an account without a password", () => {
    it("is stored and read back with a null password, by id and by address", async () => {
      const storage = await backend.open();
      const record = userRecord({ name: "Ada", emailVerifiedAt: T0 });
      expect(await storage.users.create(record)).toBe("created");
      expect(await storage.users.findById(record.id)).toEqual(record);
      expect(await storage.users.findByEmail(record.email)).toEqual(record);
      // The column stays NOT NULL: no password is held as the empty string.
      expect(
        await queryValue(backend, storage, "SELECT password_hash FROM users WHERE id = ?", [
          record.id,
        ]),
      ).toBe("");
      // A password set later is read as it was set, and the other accounts keep theirs.
      const other = await user(storage);
      await storage.users.replacePassword({
        userId: record.id,
        now: T0 + 1,
        reason: "password_reset",
        passwordHash: "a real hash",
        audit: audit("password_reset", record.id, T0 + 1),
      });
      expect(await storage.users.findById(record.id)).toMatchObject({
        passwordHash: "a real hash",
        credentialVersion: 1,
      });
      expect((await storage.users.findById(other))?.passwordHash).toBe("not a hash");
    });
  });

  describe("creating an account with its first identity", () => {
    it("writes the account, the identity and the event, in one unit", async () => {
      const storage = await backend.open();
      const record = userRecord({ emailVerifiedAt: T0 });
      const first = identity(record.id, "github", { lastUsedAt: T0 });
      expect(
        await storage.identities.createUserWithIdentity(
          record,
          first,
          audit("register", record.id),
        ),
      ).toBe("created");
      expect(await storage.users.findById(record.id)).toEqual(record);
      expect(await storage.users.findByEmail(record.email)).toEqual(record);
      expect(await storage.identities.find("github", first.subject)).toEqual(first);
      expect(await storage.identities.listForUser(record.id)).toEqual([first]);
      expect(await events(storage)).toEqual([{ type: "register", user_id: record.id, at: T0 }]);
    });

    it("an address another account holds answers email_taken and writes nothing", async () => {
      const storage = await backend.open();
      const holder = userRecord({ passwordHash: "not a hash" });
      expect(await storage.users.create(holder)).toBe("created");
      const record = userRecord({ email: holder.email });
      const theirs = identity(record.id);
      expect(
        await storage.identities.createUserWithIdentity(
          record,
          theirs,
          audit("register", record.id),
        ),
      ).toBe("email_taken");
      expect(await storage.users.findById(record.id)).toBeUndefined();
      expect(await storage.users.findByEmail(holder.email)).toEqual(holder);
      expect(await storage.identities.find(theirs.provider, theirs.subject)).toBeUndefined();
      expect(await count(storage, "users")).toBe(1);
      expect(await count(storage, "identities")).toBe(0);
      expect(await events(storage)).toEqual([]);
    });

    it("an identity already linked answers identity_taken and writes nothing, not even the account", async () => {
      const storage = await backend.open();
      const owner = await user(storage);
      const linked = await link(storage, identity(owner));
      const before = await events(storage);
      const record = userRecord();
      const again = { ...linked, userId: record.id, email: null, createdAt: T0 + 5 };
      expect(
        await storage.identities.createUserWithIdentity(
          record,
          again,
          audit("register", record.id),
        ),
      ).toBe("identity_taken");
      expect(await storage.users.findById(record.id)).toBeUndefined();
      expect(await storage.users.findByEmail(record.email)).toBeUndefined();
      expect(await storage.identities.find(linked.provider, linked.subject)).toEqual(linked);
      expect(await count(storage, "users")).toBe(1);
      expect(await count(storage, "identities")).toBe(1);
      expect(await events(storage)).toEqual(before);
    });

    it("of 6 simultaneous sign-ups with one identity, from two processes, one creates its account", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const subject = "the same person";
      const records = Array.from({ length: 6 }, () => userRecord());
      const answers = await Promise.all(
        records.map((record, i) =>
          (i % 2 === 0 ? one : two).identities.createUserWithIdentity(
            record,
            identity(record.id, "google", { subject }),
            audit("register", record.id),
          ),
        ),
      );
      expect([...answers].sort()).toEqual(["created", ...Array(5).fill("identity_taken")]);
      const winner = records[answers.indexOf("created")];
      expect((await two.identities.find("google", subject))?.userId).toBe(winner?.id);
      expect(await count(one, "users")).toBe(1);
      expect(await count(one, "identities")).toBe(1);
      expect(await events(one)).toEqual([{ type: "register", user_id: winner?.id, at: T0 }]);
    });
  });

  describe("linking an identity", () => {
    it("links with its event; the identity is found, and an account's are listed oldest first", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const newest = identity(a, "github", { createdAt: T0 + 2000, email: null });
      const oldest = identity(a, "google", { createdAt: T0, emailVerified: false });
      const middle = identity(a, "acme-oidc", { createdAt: T0 + 1000, lastUsedAt: T0 + 1500 });
      const theirs = identity(b, "google");
      for (const record of [newest, oldest, middle, theirs]) await link(storage, record);
      expect(await storage.identities.find("github", newest.subject)).toEqual(newest);
      expect(await storage.identities.find("google", oldest.subject)).toEqual(oldest);
      expect(await storage.identities.find("acme-oidc", middle.subject)).toEqual(middle);
      // A subject names a person at one provider only.
      expect(await storage.identities.find("github", oldest.subject)).toBeUndefined();
      expect(await storage.identities.find("google", "no such subject")).toBeUndefined();
      expect(await storage.identities.listForUser(a)).toEqual([oldest, middle, newest]);
      expect(await storage.identities.listForUser(b)).toEqual([theirs]);
      expect(await storage.identities.listForUser(await user(storage))).toEqual([]);
      const linked = (userId: string) => ({ type: "identity_linked", user_id: userId, at: T0 });
      expect(await events(storage)).toEqual([linked(a), linked(a), linked(a), linked(b)]);
    });

    it("an identity linked to anyone answers identity_taken, and writes nothing", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const mine = await link(storage, identity(a, "google"));
      // To another account, and again to the same one.
      const stolen = { ...mine, userId: b, email: "attacker@example.com" };
      expect(await storage.identities.link(stolen, audit("identity_linked", b))).toBe(
        "identity_taken",
      );
      expect(await storage.identities.link(mine, audit("identity_linked", a))).toBe(
        "identity_taken",
      );
      expect(await storage.identities.find("google", mine.subject)).toEqual(mine);
      expect(await storage.identities.listForUser(b)).toEqual([]);
      expect(await count(storage, "identities")).toBe(1);
      expect(await events(storage)).toEqual([{ type: "identity_linked", user_id: a, at: T0 }]);
    });

    it("a second identity at a provider answers provider_taken, and writes nothing", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const mine = await link(storage, identity(a, "google"));
      const another = identity(a, "google");
      expect(await storage.identities.link(another, audit("identity_linked", a))).toBe(
        "provider_taken",
      );
      expect(await storage.identities.find("google", another.subject)).toBeUndefined();
      expect(await storage.identities.listForUser(a)).toEqual([mine]);
      // Another provider, or another account at the same one, is no conflict.
      const github = await link(storage, identity(a, "github", { createdAt: T0 + 1 }));
      const theirs = await link(storage, identity(b, "google"));
      expect(await storage.identities.listForUser(a)).toEqual([mine, github]);
      expect(await storage.identities.listForUser(b)).toEqual([theirs]);
      expect((await events(storage)).map((event) => event.user_id)).toEqual([a, a, b]);
    });

    it("of 6 simultaneous links at one provider, from two processes, one lands", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      const records = Array.from({ length: 6 }, () => identity(a, "github"));
      const answers = await Promise.all(
        records.map((record, i) =>
          (i % 2 === 0 ? one : two).identities.link(record, audit("identity_linked", a)),
        ),
      );
      expect([...answers].sort()).toEqual(["linked", ...Array(5).fill("provider_taken")]);
      expect(await two.identities.listForUser(a)).toEqual([records[answers.indexOf("linked")]]);
      expect(await events(one)).toHaveLength(1);
    });

    it("a sign-in touches the identity it used, and only it", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const google = await link(storage, identity(a, "google"));
      const github = await link(storage, identity(a, "github"));
      await storage.identities.touch("google", google.subject, T0 + MINUTE);
      expect(await storage.identities.find("google", google.subject)).toEqual({
        ...google,
        lastUsedAt: T0 + MINUTE,
      });
      await storage.identities.touch("google", google.subject, T0 + 2 * MINUTE);
      expect((await storage.identities.find("google", google.subject))?.lastUsedAt).toBe(
        T0 + 2 * MINUTE,
      );
      expect(await storage.identities.find("github", github.subject)).toEqual(github);
      // An unknown identity touches nothing.
      await storage.identities.touch("github", google.subject, T0 + 3 * MINUTE);
      expect(await storage.identities.find("github", github.subject)).toEqual(github);
    });
  });

  describe("unlinking an identity", () => {
    it("from an account with a password, removes it with its event", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const google = await link(storage, identity(a, "google"));
      const unlinked = audit("identity_unlinked", a, T0 + 50);
      expect(await storage.identities.unlink(a, "google", unlinked)).toBe("unlinked");
      expect(await storage.identities.find("google", google.subject)).toBeUndefined();
      expect(await storage.identities.listForUser(a)).toEqual([]);
      expect(await events(storage)).toEqual([
        { type: "identity_linked", user_id: a, at: T0 },
        { type: "identity_unlinked", user_id: a, at: T0 + 50 },
      ]);
      // Gone: a second unlink finds nothing and writes no second event.
      expect(await storage.identities.unlink(a, "google", unlinked)).toBe("not_found");
      expect(await events(storage)).toHaveLength(2);
    });

    it("the only way into an account answers last_method, and writes nothing", async () => {
      const storage = await backend.open();
      const record = userRecord();
      const only = identity(record.id, "google");
      await storage.identities.createUserWithIdentity(record, only, audit("register", record.id));
      expect(
        await storage.identities.unlink(record.id, "google", audit("identity_unlinked", record.id)),
      ).toBe("last_method");
      expect(await storage.identities.listForUser(record.id)).toEqual([only]);
      expect(await events(storage)).toEqual([{ type: "register", user_id: record.id, at: T0 }]);
      // Another account's password or passkeys are no way into this one.
      const other = await user(storage);
      expect(await passkeyOf(storage, other)).toBe("created");
      await link(storage, identity(other, "github"));
      expect(
        await storage.identities.unlink(record.id, "google", audit("identity_unlinked", record.id)),
      ).toBe("last_method");
      expect(await storage.identities.listForUser(record.id)).toEqual([only]);
    });

    it("from an account without a password, removes it while another identity remains", async () => {
      const storage = await backend.open();
      const record = userRecord();
      const google = identity(record.id, "google");
      await storage.identities.createUserWithIdentity(record, google, audit("register", record.id));
      const github = await link(storage, identity(record.id, "github"));
      expect(
        await storage.identities.unlink(record.id, "google", audit("identity_unlinked", record.id)),
      ).toBe("unlinked");
      expect(await storage.identities.listForUser(record.id)).toEqual([github]);
      // Now the last one.
      expect(
        await storage.identities.unlink(record.id, "github", audit("identity_unlinked", record.id)),
      ).toBe("last_method");
      expect(await storage.identities.listForUser(record.id)).toEqual([github]);
      expect((await events(storage)).map((event) => event.type)).toEqual([
        "register",
        "identity_linked",
        "identity_unlinked",
      ]);
    });

    it("from an account without a password, removes it while a passkey remains", async () => {
      const storage = await backend.open();
      const record = userRecord();
      await storage.identities.createUserWithIdentity(
        record,
        identity(record.id, "google"),
        audit("register", record.id),
      );
      expect(await passkeyOf(storage, record.id)).toBe("created");
      expect(
        await storage.identities.unlink(record.id, "google", audit("identity_unlinked", record.id)),
      ).toBe("unlinked");
      expect(await storage.identities.listForUser(record.id)).toEqual([]);
    });

    it("no identity at the provider answers not_found, and writes nothing", async () => {
      const storage = await backend.open();
      const [a, b] = [await user(storage), await user(storage)];
      const mine = await link(storage, identity(a, "google"));
      const theirs = await link(storage, identity(b, "github"));
      expect(await storage.identities.unlink(a, "github", audit("identity_unlinked", a))).toBe(
        "not_found",
      );
      expect(await storage.identities.unlink(b, "google", audit("identity_unlinked", b))).toBe(
        "not_found",
      );
      expect(
        await storage.identities.unlink("no such user", "google", audit("identity_unlinked", a)),
      ).toBe("not_found");
      expect(await storage.identities.listForUser(a)).toEqual([mine]);
      expect(await storage.identities.listForUser(b)).toEqual([theirs]);
      expect(await events(storage)).toHaveLength(2);
    });

    it("two simultaneous unlinks of a password-less account's two identities, from two processes: one succeeds", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      for (let round = 0; round < 10; round++) {
        const record = userRecord();
        const google = identity(record.id, "google");
        await one.identities.createUserWithIdentity(record, google, audit("register", record.id));
        const github = await link(one, identity(record.id, "github"));
        const answers = await Promise.all([
          one.identities.unlink(record.id, "google", audit("identity_unlinked", record.id)),
          two.identities.unlink(record.id, "github", audit("identity_unlinked", record.id)),
        ]);
        expect([...answers].sort()).toEqual(["last_method", "unlinked"]);
        // The account keeps the identity whose unlink was refused.
        const kept = answers[0] === "unlinked" ? github : google;
        expect(await two.identities.listForUser(record.id)).toEqual([kept]);
        expect(
          await queryValue(
            backend,
            one,
            "SELECT count(*) AS n FROM audit_events WHERE user_id = ? AND type = 'identity_unlinked'",
            [record.id],
          ),
        ).toBe(1);
      }
    });
  });

  describe("authorization requests in flight", () => {
    it("are consumed once, as issued, expired or not", async () => {
      const storage = await backend.open();
      const a = await user(storage);
      const browser = state({ returnTo: "/devices" });
      const native = state({
        provider: "github",
        redirectUri: "com.example.app:/oauth/callback",
        browserHash: null,
      });
      const linking = state({ linkUserId: a });
      const expired = state({ expiresAt: T0 - 1 });
      for (const s of [browser, native, linking, expired]) await storage.oauthStates.issue(s);
      for (const s of [browser, native, linking]) {
        expect(await storage.oauthStates.consume(s.stateHash)).toEqual(s);
        expect(await storage.oauthStates.consume(s.stateHash)).toBeUndefined();
      }
      // Expiry is the core's to judge: the store answers what it kept.
      expect(await storage.oauthStates.consume(expired.stateHash)).toEqual(expired);
      expect(await storage.oauthStates.consume("no such state")).toBeUndefined();
    });

    it("of 10 simultaneous callbacks with one state, from two processes, exactly one gets it", async () => {
      const one = await backend.open();
      const two = await backend.openSecond(one);
      const a = await user(one);
      for (let round = 0; round < 5; round++) {
        const s = state({ linkUserId: round % 2 === 0 ? a : null });
        await one.oauthStates.issue(s);
        const consumed = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? one : two).oauthStates.consume(s.stateHash),
          ),
        );
        expect(consumed.filter((record) => record !== undefined)).toEqual([s]);
      }
      expect(await count(one, "oauth_states")).toBe(0);
    });

    it("are purged once expired, and the purge answers how many", async () => {
      const storage = await backend.open();
      const issued = [0, 1, 2, 3].map((i) => state({ expiresAt: T0 + i }));
      for (const s of issued) await storage.oauthStates.issue(s);
      expect(await storage.oauthStates.purgeExpiredBefore(T0)).toBe(0);
      expect(await storage.oauthStates.purgeExpiredBefore(T0 + 2)).toBe(2);
      // Expiring at the time given is not expired before it.
      expect(await storage.oauthStates.consume(issued[1]?.stateHash ?? "")).toBeUndefined();
      expect(await storage.oauthStates.consume(issued[2]?.stateHash ?? "")).toEqual(issued[2]);
      expect(await storage.oauthStates.purgeExpiredBefore(T0 + MINUTE)).toBe(1);
      expect(await count(storage, "oauth_states")).toBe(0);
    });
  });

  it("a deleted user's identities and linking requests go with them", async () => {
    const storage = await backend.open();
    const [a, b] = [await user(storage), await user(storage)];
    await link(storage, identity(a, "google"));
    await link(storage, identity(a, "github"));
    const theirs = await link(storage, identity(b, "google"));
    const mine = state({ linkUserId: a });
    const signIn = state();
    const theirState = state({ linkUserId: b });
    for (const s of [mine, signIn, theirState]) await storage.oauthStates.issue(s);
    await backend.query(storage, "DELETE FROM users WHERE id = ? RETURNING id", [a]);
    expect(await storage.identities.listForUser(a)).toEqual([]);
    expect(
      await queryValue(backend, storage, "SELECT count(*) AS n FROM identities WHERE user_id = ?", [
        a,
      ]),
    ).toBe(0);
    expect(await storage.identities.listForUser(b)).toEqual([theirs]);
    expect(await storage.oauthStates.consume(mine.stateHash)).toBeUndefined();
    expect(await storage.oauthStates.consume(signIn.stateHash)).toEqual(signIn);
    expect(await storage.oauthStates.consume(theirState.stateHash)).toEqual(theirState);
  });
});
