import type { AuditRecord, IdentityRecord, IdentityStore, UserRecord } from "@sesame/auth";
import type { PgSql, PgTx } from "../pg-client.ts";
import { insertAudit } from "./pg-audit-insert.ts";
import { insertUser, NO_PASSWORD } from "./pg-user-store.ts";

interface IdentityRow {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  email_verified: boolean;
  created_at: number;
  last_used_at: number | null;
}

/** Rolls the transaction back: the identity is linked already (the user inserted before it must go too). */
class IdentityTaken extends Error {}

/**
 * Identities at sign-in providers in the shared database. An identity, or a
 * second one at a provider for an account, inserted by another node
 * meanwhile makes an insert wait for that commit and then yield (the key)
 * or fail (the unique index): one of them lands, and the others write nothing.
 *
 * An unlink first locks the user's row, so the unlinks of one account run one
 * after the other: each decides on the ways in the previous one left, and of
 * two unlinks of an account's last two ways in, the second finds one left.
 */
export class PgIdentityStore implements IdentityStore {
  constructor(private readonly sql: PgSql) {}

  async find(provider: string, subject: string): Promise<IdentityRecord | undefined> {
    const [row] = await this.sql<IdentityRow[]>`
      SELECT provider, subject, user_id, email, email_verified, created_at, last_used_at
      FROM identities WHERE provider = ${provider} AND subject = ${subject}`;
    return row && toRecord(row);
  }

  async listForUser(userId: string): Promise<IdentityRecord[]> {
    const rows = await this.sql<IdentityRow[]>`
      SELECT provider, subject, user_id, email, email_verified, created_at, last_used_at
      FROM identities WHERE user_id = ${userId} ORDER BY created_at, provider`;
    return rows.map(toRecord);
  }

  /**
   * One transaction: the user, its identity, then the event (under the
   * user's audit lock, taken last). A taken address inserts nothing; a
   * taken identity rolls the user back.
   */
  async createUserWithIdentity(
    user: UserRecord,
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"created" | "email_taken" | "identity_taken"> {
    try {
      return await this.sql.begin(async (tx) => {
        if (!(await insertUser(tx, user))) return "email_taken" as const;
        if (!(await insertIdentity(tx, identity))) throw new IdentityTaken();
        await insertAudit(tx, audit);
        return "created" as const;
      });
    } catch (error) {
      if (error instanceof IdentityTaken) return "identity_taken";
      throw error;
    }
  }

  /**
   * One transaction: the insert, then its event. A second identity at the
   * provider for the user fails the insert, and the transaction rolls back.
   */
  async link(
    identity: IdentityRecord,
    audit: AuditRecord,
  ): Promise<"linked" | "identity_taken" | "provider_taken"> {
    try {
      return await this.sql.begin(async (tx) => {
        if (!(await insertIdentity(tx, identity))) return "identity_taken" as const;
        await insertAudit(tx, audit);
        return "linked" as const;
      });
    } catch (error) {
      if (isProviderTaken(error)) return "provider_taken";
      throw error;
    }
  }

  async touch(provider: string, subject: string, now: number): Promise<void> {
    await this.sql`
      UPDATE identities SET last_used_at = ${now} WHERE provider = ${provider} AND subject = ${subject}`;
  }

  /**
   * One transaction, under the user's row lock (FOR NO KEY UPDATE: the
   * lock an update of the row takes; it waits for every other unlink of the
   * account, and lets the foreign-key checks of inserts for the user pass).
   * Each statement after it reads what was committed before it was granted:
   * the identity, then the account's other ways in, then the delete and its
   * event (under the audit lock, taken after the row's, as by every
   * credential change).
   */
  unlink(
    userId: string,
    provider: string,
    audit: AuditRecord,
  ): Promise<"unlinked" | "not_found" | "last_method"> {
    return this.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM users WHERE id = ${userId} FOR NO KEY UPDATE`;
      const [held] = await tx`
        SELECT 1 FROM identities WHERE user_id = ${userId} AND provider = ${provider}`;
      if (!held) return "not_found" as const;
      const [way] = await tx`
        SELECT 1 FROM users u WHERE u.id = ${userId} AND (u.password_hash <> ${NO_PASSWORD}
          OR EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id AND i.provider <> ${provider})
          OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = u.id))`;
      if (!way) return "last_method" as const;
      await tx`DELETE FROM identities WHERE user_id = ${userId} AND provider = ${provider}`;
      await insertAudit(tx, audit);
      return "unlinked" as const;
    });
  }
}

/** Inserts the identity; false when it is linked already, even committed by another node meanwhile. */
async function insertIdentity(tx: PgTx, identity: IdentityRecord): Promise<boolean> {
  const i = identity;
  const inserted = await tx`
    INSERT INTO identities (provider, subject, user_id, email, email_verified, created_at,
      last_used_at)
    VALUES (${i.provider}, ${i.subject}, ${i.userId}, ${i.email}, ${i.emailVerified},
      ${i.createdAt}, ${i.lastUsedAt})
    ON CONFLICT (provider, subject) DO NOTHING
    RETURNING provider`;
  return inserted.length === 1;
}

/** A unique violation (SQLSTATE 23505) of the one-identity-per-provider index: the user has one there. */
function isProviderTaken(error: unknown): boolean {
  const { code, constraint_name } = (error ?? {}) as { code?: string; constraint_name?: string };
  return code === "23505" && constraint_name === "identities_user_id_provider_idx";
}

const toRecord = (row: IdentityRow): IdentityRecord => ({
  provider: row.provider,
  subject: row.subject,
  userId: row.user_id,
  email: row.email,
  emailVerified: row.email_verified,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});
