import type { CredentialChange, UserRecord, UserStore } from "@sesame/auth";
import { sql as drizzleSql, eq } from "drizzle-orm";
import type { PgDb, PgSql, PgTx } from "../pg-client.ts";
import { users } from "../schema.ts";
import { insertAudit } from "./pg-audit-insert.ts";
import type { PgSessionRevocations } from "./pg-session-revocations.ts";

export class PgUserStore implements UserStore {
  private readonly byId;
  private readonly byEmail;

  constructor(
    db: PgDb,
    private readonly sql: PgSql,
    private readonly revocations: PgSessionRevocations,
  ) {
    const p = drizzleSql.placeholder;
    this.byId = db
      .select()
      .from(users)
      .where(eq(users.id, p("id")))
      .prepare("user_by_id");
    this.byEmail = db
      .select()
      .from(users)
      .where(eq(users.email, p("email")))
      .prepare("user_by_email");
  }

  async create(user: UserRecord): Promise<"created" | "email_taken"> {
    const rows = await this.sql`
      INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at, disabled_at, credential_version)
      VALUES (${user.id}, ${user.email}, ${user.name}, ${user.role}, ${user.passwordHash},
        ${user.createdAt}, ${user.updatedAt}, ${user.disabledAt}, ${user.credentialVersion})
      ON CONFLICT (email) DO NOTHING
      RETURNING id`;
    return rows.length === 1 ? "created" : "email_taken";
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const [row] = await this.byEmail.execute({ email });
    return row;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.byId.execute({ id });
    return row;
  }

  /** One transaction: the new hash never lands without the end of the old sessions. */
  replacePassword(change: CredentialChange & { passwordHash: string }): Promise<string[]> {
    return this.sql.begin(async (tx) => {
      await tx`
        UPDATE users SET password_hash = ${change.passwordHash}, updated_at = ${change.now},
          credential_version = credential_version + 1
        WHERE id = ${change.userId}`;
      return this.endSessions(tx, change);
    });
  }

  disable(change: CredentialChange): Promise<string[]> {
    return this.sql.begin(async (tx) => {
      await tx`
        UPDATE users SET disabled_at = ${change.now}, updated_at = ${change.now},
          credential_version = credential_version + 1
        WHERE id = ${change.userId}`;
      return this.endSessions(tx, change);
    });
  }

  async enable(userId: string, now: number): Promise<void> {
    await this.sql`UPDATE users SET disabled_at = NULL, updated_at = ${now} WHERE id = ${userId}`;
  }

  /**
   * After the user's row is updated (and so locked until commit): a login
   * that checked the old version holds the row FOR SHARE until its session
   * is in, so this update waited for it and the next statement, with a fresh
   * snapshot, sees that session and revokes it; a login that comes later
   * waits for this commit and reads the new version.
   */
  private async endSessions(tx: PgTx, change: CredentialChange): Promise<string[]> {
    const revoked = await this.revocations.revokeLiveOfUser(
      tx,
      change.userId,
      change.reason,
      change.now,
      change.exceptSessionId,
    );
    await insertAudit(tx, change.audit);
    return revoked;
  }
}
