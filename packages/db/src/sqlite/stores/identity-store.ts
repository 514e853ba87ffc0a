import type { AuditRecord, IdentityRecord, IdentityStore, UserRecord } from "@sesame/auth";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { identities, users } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import { insertUser, NO_PASSWORD } from "./user-store.ts";

/**
 * Identities at sign-in providers in the shared database. Every write is one
 * job of the write batcher, under the write lock (BEGIN IMMEDIATE), so what a
 * job reads is what every process committed and nothing moves before its
 * writes: the checks of an insert decide which answer it gets, and an unlink
 * decides on the account's ways in as they are (of two unlinks of an
 * account's last two ways in, from any processes, the second sees one left).
 */
export class SqliteIdentityStore implements IdentityStore {
  private readonly q;
  private readonly insertAudit;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    const p = sql.placeholder;
    this.q = {
      insert: db
        .insert(identities)
        .values({
          provider: p("provider"),
          subject: p("subject"),
          userId: p("userId"),
          email: p("email"),
          emailVerified: p("emailVerified"),
          createdAt: p("createdAt"),
          lastUsedAt: p("lastUsedAt"),
        })
        .prepare(),
      byKey: db
        .select()
        .from(identities)
        .where(and(eq(identities.provider, p("provider")), eq(identities.subject, p("subject"))))
        .prepare(),
      ofUserAt: db
        .select({ subject: identities.subject })
        .from(identities)
        .where(and(eq(identities.userId, p("userId")), eq(identities.provider, p("provider"))))
        .prepare(),
      ofUser: db
        .select()
        .from(identities)
        .where(eq(identities.userId, p("userId")))
        .orderBy(asc(identities.createdAt), asc(identities.provider))
        .prepare(),
      emailHeld: db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.email, p("email")))
        .prepare(),
      touch: db
        .update(identities)
        .set({ lastUsedAt: p("now") as never })
        .where(and(eq(identities.provider, p("provider")), eq(identities.subject, p("subject"))))
        .prepare(),
      /**
       * Whether the account keeps a way in without its identity at `provider`:
       * a password, another identity, a passkey. Qualified by hand: Drizzle
       * writes a column in a fragment unqualified, which inside a subquery
       * would name that subquery's own table's column (`passkeys.id`).
       */
      keepsAnother: db
        .select({
          keeps: sql<number>`users.password_hash <> ${NO_PASSWORD}
            or exists (select 1 from identities i where i.user_id = users.id
              and i.provider <> ${p("provider")})
            or exists (select 1 from passkeys k where k.user_id = users.id)`,
        })
        .from(users)
        .where(eq(users.id, p("userId")))
        .prepare(),
      remove: db
        .delete(identities)
        .where(and(eq(identities.userId, p("userId")), eq(identities.provider, p("provider"))))
        .prepare(),
    };
    this.insertAudit = prepareAuditInsert(db);
  }

  async find(provider: string, subject: string): Promise<IdentityRecord | undefined> {
    return this.q.byKey.get({ provider, subject });
  }

  async listForUser(userId: string): Promise<IdentityRecord[]> {
    return this.q.ofUser.all({ userId });
  }

  /**
   * One job, so one commit: the account never lands without its identity
   * and event. Both checks come before any write (under the write lock
   * nothing moves between them and the inserts), so a refusal writes
   * nothing; the address is checked first, as PostgreSQL's inserts do.
   */
  createUserWithIdentity(
    user: UserRecord,
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"created" | "email_taken" | "identity_taken"> {
    return this.writes.run(() => {
      if (this.q.emailHeld.get({ email: user.email })) return "email_taken";
      if (this.q.byKey.get({ ...identity })) return "identity_taken";
      insertUser(this.db, user);
      this.q.insert.run({ ...identity });
      this.insertAudit(audit);
      return "created";
    });
  }

  /** One job: the checks, then the insert and its event, under the write lock. */
  link(
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"linked" | "identity_taken" | "provider_taken"> {
    return this.writes.run(() => {
      if (this.q.byKey.get({ ...identity })) return "identity_taken";
      if (this.q.ofUserAt.get({ ...identity })) return "provider_taken";
      this.q.insert.run({ ...identity });
      this.insertAudit(audit);
      return "linked";
    });
  }

  touch(provider: string, subject: string, now: number): Promise<void> {
    return this.writes.run(() => {
      this.q.touch.run({ provider, subject, now });
    });
  }

  /**
   * One job: the check of the account's other ways in, then the delete and
   * its event, with no write of any process between them.
   */
  unlink(
    userId: string,
    provider: string,
    audit: AuditRecord,
  ): Promise<"unlinked" | "not_found" | "last_method"> {
    return this.writes.run(() => {
      if (!this.q.ofUserAt.get({ userId, provider })) return "not_found";
      if (!this.q.keepsAnother.get({ userId, provider })?.keeps) return "last_method";
      this.q.remove.run({ userId, provider });
      this.insertAudit(audit);
      return "unlinked";
    });
  }
}
