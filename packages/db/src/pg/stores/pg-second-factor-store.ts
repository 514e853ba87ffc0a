import type {
  RevokeReason,
  SealedTotpSecret,
  SecondFactorChange,
  SecondFactorStore,
  TotpFactorRecord,
} from "@sesame/auth";
import type { PgSql, PgTx } from "../pg-client.ts";
import { insertAudit } from "./pg-audit-insert.ts";
import type { PgSessionRevocations } from "./pg-session-revocations.ts";

/** The first key of the two-key advisory locks that serialize one user's recovery-code changes ("2FAC"). */
const FACTOR_LOCK_SPACE = 0x32464143;

interface TotpRow {
  user_id: string;
  sealed_secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_used_step: number | null;
}

/**
 * TOTP factors and recovery codes in the shared database. A step or a code
 * is spent by one guarded statement: of simultaneous uses, from any number
 * of nodes, the first takes the row's lock and the others, once it commits,
 * re-check their WHERE on the row it wrote and change nothing.
 *
 * The transactions that change a user's recovery codes (confirmTotp,
 * removeTotp, replaceRecoveryCodes, useRecoveryCode) first take the user's
 * factor lock, so they run one after the other, as on SQLite: two new sets
 * written at once never both stay live (each delete of the old set would
 * miss the other's inserts), and the count a use answers is exact. The lock
 * comes before any row lock and the audit lock last, so they cannot deadlock.
 */
export class PgSecondFactorStore implements SecondFactorStore {
  constructor(
    private readonly sql: PgSql,
    private readonly revocations: PgSessionRevocations,
  ) {}

  async findTotp(userId: string): Promise<TotpFactorRecord | undefined> {
    const [row] = await this.sql<TotpRow[]>`
      SELECT user_id, sealed_secret, created_at, confirmed_at, last_used_step
      FROM totp_factors WHERE user_id = ${userId}`;
    return row && toTotpRecord(row);
  }

  /** One statement: the upsert's guard is re-checked on the row as committed by a concurrent writer. */
  async beginTotp(factor: TotpFactorRecord): Promise<"stored" | "confirmed_exists"> {
    const f = factor;
    const stored = await this.sql`
      INSERT INTO totp_factors (user_id, sealed_secret, created_at, confirmed_at, last_used_step)
      VALUES (${f.userId}, ${f.sealedSecret}, ${f.createdAt}, ${f.confirmedAt}, ${f.lastUsedStep})
      ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,
        created_at = excluded.created_at, confirmed_at = excluded.confirmed_at,
        last_used_step = excluded.last_used_step
      WHERE totp_factors.confirmed_at IS NULL`;
    return stored.count === 1 ? "stored" : "confirmed_exists";
  }

  async useTotpStep(userId: string, step: number, confirmed: boolean): Promise<boolean> {
    const used = await this.sql`
      UPDATE totp_factors SET last_used_step = ${step}
      WHERE user_id = ${userId} AND (last_used_step IS NULL OR last_used_step < ${step})
        ${confirmed ? this.sql`AND confirmed_at IS NOT NULL` : this.sql``}`;
    return used.count === 1;
  }

  /** One transaction: the factor is never confirmed without its codes and event. */
  confirmTotp(
    change: SecondFactorChange & { step: number; recoveryCodeHashes: string[] },
  ): Promise<boolean> {
    const { userId, now, step } = change;
    return this.sql.begin(async (tx) => {
      await lockFactors(tx, userId);
      const confirmed = await tx`
        UPDATE totp_factors SET confirmed_at = ${now}, last_used_step = ${step}
        WHERE user_id = ${userId} AND confirmed_at IS NULL
          AND (last_used_step IS NULL OR last_used_step < ${step})`;
      if (confirmed.count !== 1) return false;
      await replaceCodes(tx, userId, change.recoveryCodeHashes, now);
      await insertAudit(tx, change.audit);
      return true;
    });
  }

  /** One transaction, as `users.replacePassword`: the factor never goes without the end of the other sessions. */
  removeTotp(
    change: SecondFactorChange & { exceptSessionId?: string; reason: RevokeReason },
  ): Promise<string[]> {
    return this.sql.begin(async (tx) => {
      await lockFactors(tx, change.userId);
      await tx`DELETE FROM totp_factors WHERE user_id = ${change.userId}`;
      await tx`DELETE FROM recovery_codes WHERE user_id = ${change.userId}`;
      const revoked = await this.revocations.revokeLiveOfUser(
        tx,
        change.userId,
        change.reason,
        change.now,
        change.exceptSessionId,
      );
      await insertAudit(tx, change.audit);
      return revoked;
    });
  }

  async replaceRecoveryCodes(change: SecondFactorChange & { hashes: string[] }): Promise<void> {
    await this.sql.begin(async (tx) => {
      await lockFactors(tx, change.userId);
      await replaceCodes(tx, change.userId, change.hashes, change.now);
      await insertAudit(tx, change.audit);
    });
  }

  /**
   * One transaction: the delete (of simultaneous uses of a code, one deletes
   * the row; the others, once it commits, find nothing) and then the count,
   * which, under the factor lock, no other use or new set is moving.
   */
  useRecoveryCode(userId: string, codeHash: string): Promise<number | undefined> {
    return this.sql.begin(async (tx) => {
      await lockFactors(tx, userId);
      const used = await tx`
        DELETE FROM recovery_codes WHERE code_hash = ${codeHash} AND user_id = ${userId}`;
      if (used.count !== 1) return undefined;
      return countCodes(tx, userId);
    });
  }

  countRecoveryCodes(userId: string): Promise<number> {
    return countCodes(this.sql, userId);
  }

  /** One guarded statement: a concurrent writer's commit is re-checked against `from`, so only the value read is replaced. */
  async resealTotp(userId: string, from: string, to: string): Promise<boolean> {
    const resealed = await this.sql`
      UPDATE totp_factors SET sealed_secret = ${to}
      WHERE user_id = ${userId} AND sealed_secret = ${from}`;
    return resealed.count === 1;
  }

  async listSealedTotp(afterUserId: string | null, limit: number): Promise<SealedTotpSecret[]> {
    const rows = await this.sql<{ user_id: string; sealed_secret: string }[]>`
      SELECT user_id, sealed_secret FROM totp_factors
      ${afterUserId === null ? this.sql`` : this.sql`WHERE user_id > ${afterUserId}`}
      ORDER BY user_id LIMIT ${limit}`;
    return rows.map((row) => ({ userId: row.user_id, sealedSecret: row.sealed_secret }));
  }
}

/** Takes the user's factor lock until the transaction ends. */
async function lockFactors(tx: PgTx, userId: string): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${FACTOR_LOCK_SPACE}::int, hashtext(${userId}))`;
}

/** The user's codes become `hashes`: under the factor lock only. */
async function replaceCodes(tx: PgTx, userId: string, hashes: string[], now: number) {
  await tx`DELETE FROM recovery_codes WHERE user_id = ${userId}`;
  if (hashes.length === 0) return;
  await tx`
    INSERT INTO recovery_codes (code_hash, user_id, created_at)
    SELECT code_hash, ${userId}, ${now}::bigint FROM unnest(${hashes}::text[]) AS code_hash`;
}

async function countCodes(sql: PgSql | PgTx, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*) AS n FROM recovery_codes WHERE user_id = ${userId}`;
  return row?.n ?? 0;
}

const toTotpRecord = (row: TotpRow): TotpFactorRecord => ({
  userId: row.user_id,
  sealedSecret: row.sealed_secret,
  createdAt: row.created_at,
  confirmedAt: row.confirmed_at,
  lastUsedStep: row.last_used_step,
});
