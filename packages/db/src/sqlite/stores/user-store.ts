import type { CredentialChange, UserRecord, UserStore } from "@sesame/auth";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { users } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import type { SessionRevocations } from "./session-revocations.ts";

export class SqliteUserStore implements UserStore {
  private readonly byId;
  private readonly byEmail;
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
    this.insertAudit = prepareAuditInsert(db);
  }

  create(user: UserRecord): Promise<"created" | "email_taken"> {
    return this.writes.run(() => {
      const inserted = this.db
        .insert(users)
        .values(user)
        .onConflictDoNothing({ target: users.email })
        .run();
      return inserted.changes === 1 ? "created" : "email_taken";
    });
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.byEmail.get({ email });
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return this.byId.get({ id });
  }

  /** One job, so one commit: the new hash never lands without the end of the old sessions. */
  replacePassword(change: CredentialChange & { passwordHash: string }): Promise<string[]> {
    return this.writes.run(() =>
      this.changeCredential(change, { passwordHash: change.passwordHash }),
    );
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
