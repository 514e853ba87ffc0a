import type {
  CredentialChange,
  EmailChange,
  MailboxTakeover,
  UserRecord,
  UserStore,
} from "@sesame/auth";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { users } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import { applyMailboxTakeover } from "./mailbox-takeover.ts";
import type { SessionRevocations } from "./session-revocations.ts";

export class SqliteUserStore implements UserStore {
  private readonly byId;
  private readonly byEmail;
  private readonly holdsEmail;
  private readonly insertAudit;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
    private readonly revocations: SessionRevocations,
  ) {
    this.byId = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare();
    this.byEmail = db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder("email")))
      .prepare();
    this.holdsEmail = db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, sql.placeholder("id")), eq(users.email, sql.placeholder("email"))))
      .prepare();
    this.insertAudit = prepareAuditInsert(db);
  }

  create(user: UserRecord): Promise<"created" | "email_taken"> {
    return this.writes.run(() => (insertUser(this.db, user) ? "created" : "email_taken"));
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = this.byEmail.get({ email });
    return row && toUserRecord(row);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = this.byId.get({ id });
    return row && toUserRecord(row);
  }

  /** One job, so one commit: the new hash never lands without the end of the old sessions (nor a takeover's removals). */
  replacePassword(
    change: CredentialChange & { passwordHash: string; takeover?: MailboxTakeover },
  ): Promise<string[]> {
    return this.writes.run(() => {
      const { takeover } = change;
      if (takeover) applyMailboxTakeover(this.db, this.insertAudit, change.userId, takeover);
      return this.changeCredential(change, { passwordHash: change.passwordHash });
    });
  }

  disable(change: CredentialChange): Promise<string[]> {
    return this.writes.run(() => this.changeCredential(change, { disabledAt: change.now }));
  }

  enable(userId: string, now: number): Promise<void> {
    return this.writes.run(() => {
      this.db
        .update(users)
        .set({ disabledAt: null, updatedAt: now })
        .where(eq(users.id, userId))
        .run();
    });
  }

  /**
   * One job: the guarded update and, when it wrote nothing, the check of
   * the address, on the row as committed (the write lock is held).
   */
  markEmailVerified(userId: string, email: string, now: number): Promise<boolean> {
    return this.writes.run(() => {
      const verified = this.db
        .update(users)
        .set({ emailVerifiedAt: now })
        .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.emailVerifiedAt)))
        .run();
      return verified.changes === 1 || this.holdsEmail.get({ id: userId, email }) !== undefined;
    });
  }

  /** One job, so one commit: the new address never lands without its audit event. */
  changeEmail(change: EmailChange): Promise<"changed" | "email_taken" | "stale"> {
    return this.writes.run(() => {
      let moved: { changes: number };
      try {
        moved = this.db
          .update(users)
          .set({ email: change.toEmail, emailVerifiedAt: change.now, updatedAt: change.now })
          .where(and(eq(users.id, change.userId), eq(users.email, change.fromEmail)))
          .run();
      } catch (error) {
        // The failed statement wrote nothing (SQLite undoes it alone) and nothing came before it.
        if (isUniqueViolation(error)) return "email_taken";
        throw error;
      }
      if (moved.changes !== 1) return "stale";
      this.insertAudit(change.audit);
      return "changed";
    });
  }

  private changeCredential(
    change: CredentialChange,
    set: { passwordHash: string } | { disabledAt: number },
  ): string[] {
    this.db
      .update(users)
      .set({
        ...set,
        updatedAt: change.now,
        credentialVersion: sql`${users.credentialVersion} + 1`,
      })
      .where(eq(users.id, change.userId))
      .run();
    const revoked = this.revocations.revokeLiveOfUser(
      change.userId,
      change.reason,
      change.now,
      change.exceptSessionId,
    );
    this.insertAudit(change.audit);
    return revoked;
  }
}

/**
 * Inserts the user, an account without a password as `''` (the column stays
 * NOT NULL: see the schema); false when the normalized email exists. Call
 * inside a write job only.
 */
export function insertUser(db: Db, user: UserRecord): boolean {
  const inserted = db
    .insert(users)
    .values({ ...user, passwordHash: user.passwordHash ?? NO_PASSWORD })
    .onConflictDoNothing({ target: users.email })
    .run();
  return inserted.changes === 1;
}

/** What `password_hash` holds for an account without a password. */
export const NO_PASSWORD = "";

/** A row as the core sees it: no password is null. */
export const toUserRecord = (row: typeof users.$inferSelect): UserRecord => ({
  ...row,
  passwordHash: row.passwordHash === NO_PASSWORD ? null : row.passwordHash,
});

/** Another account holds the address (`users.email` is the table's one unique column). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === "SQLITE_CONSTRAINT_UNIQUE";
}
