import type {
  CredentialChange,
  EmailChange,
  MailboxTakeover,
  UserRecord,
  UserStore,
} from "@sesame/auth";
import { sql as drizzleSql, eq } from "drizzle-orm";
import type { PgDb, PgSql, PgTx } from "../pg-client.ts";
import { users } from "../schema.ts";
import { insertAudit } from "./pg-audit-insert.ts";
import { applyMailboxTakeover } from "./pg-mailbox-takeover.ts";
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
    return (await insertUser(this.sql, user)) ? "created" : "email_taken";
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const [row] = await this.byEmail.execute({ email });
    return row && toUserRecord(row);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.byId.execute({ id });
    return row && toUserRecord(row);
  }

  /** One transaction: the new hash never lands without the end of the old sessions. */
  replacePassword(
    change: CredentialChange & { passwordHash: string; takeover?: MailboxTakeover },
  ): Promise<string[]> {
    return this.sql.begin(async (tx) => {
      // The user's row lock first, as every credential change and unlink takes it: no deadlock.
      await tx`
        UPDATE users SET password_hash = ${change.passwordHash}, updated_at = ${change.now},
          credential_version = credential_version + 1
        WHERE id = ${change.userId}`;
      if (change.takeover) await applyMailboxTakeover(tx, change.userId, change.takeover);
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
   * The guarded update; when it wrote nothing (already verified, or not the
   * user's address), a second statement, whose snapshot is taken after any
   * change of the row the update waited for, tells which.
   */
  async markEmailVerified(userId: string, email: string, now: number): Promise<boolean> {
    const verified = await this.sql`
      UPDATE users SET email_verified_at = ${now}
      WHERE id = ${userId} AND email = ${email} AND email_verified_at IS NULL`;
    if (verified.count === 1) return true;
    const held = await this.sql`SELECT 1 FROM users WHERE id = ${userId} AND email = ${email}`;
    return held.length === 1;
  }

  /**
   * One transaction: the guarded update, then its audit event (under the
   * user's audit lock, taken after the row's, as by every credential change).
   * An address another account holds fails the update, and the whole
   * transaction rolls back: nothing written.
   */
  async changeEmail(change: EmailChange): Promise<"changed" | "email_taken" | "stale"> {
    try {
      return await this.sql.begin(async (tx) => {
        const moved = await tx`
          UPDATE users SET email = ${change.toEmail}, email_verified_at = ${change.now},
            updated_at = ${change.now}
          WHERE id = ${change.userId} AND email = ${change.fromEmail}`;
        if (moved.count !== 1) return "stale" as const;
        await insertAudit(tx, change.audit);
        return "changed" as const;
      });
    } catch (error) {
      if (isEmailTaken(error)) return "email_taken";
      throw error;
    }
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

/** What `password_hash` holds for an account without a password. */
export const NO_PASSWORD = "";

/**
 * Inserts the user, an account without a password as `''` (the column stays
 * NOT NULL: see the schema); false when the normalized email exists, even
 * committed by another node meanwhile (the insert waits for it, then yields).
 */
export async function insertUser(sql: PgSql | PgTx, user: UserRecord): Promise<boolean> {
  const rows = await sql`
    INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at, disabled_at,
      credential_version, email_verified_at)
    VALUES (${user.id}, ${user.email}, ${user.name}, ${user.role},
      ${user.passwordHash ?? NO_PASSWORD}, ${user.createdAt}, ${user.updatedAt}, ${user.disabledAt},
      ${user.credentialVersion}, ${user.emailVerifiedAt})
    ON CONFLICT (email) DO NOTHING
    RETURNING id`;
  return rows.length === 1;
}

/** A row as the core sees it: no password is null. */
export const toUserRecord = (row: typeof users.$inferSelect): UserRecord => ({
  ...row,
  passwordHash: row.passwordHash === NO_PASSWORD ? null : row.passwordHash,
});

/** A unique violation (SQLSTATE 23505) of the users' email: another account holds the address. */
function isEmailTaken(error: unknown): boolean {
  const { code, constraint_name } = (error ?? {}) as { code?: string; constraint_name?: string };
  return code === "23505" && constraint_name === "users_email_unique";
}
