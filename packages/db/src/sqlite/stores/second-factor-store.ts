import type {
  RevokeReason,
  SealedTotpSecret,
  SecondFactorChange,
  SecondFactorStore,
  TotpFactorRecord,
} from "@sesame/auth";
import { and, asc, count, eq, gt, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { recoveryCodes, totpFactors } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";
import { prepareAuditInsert } from "./audit-insert.ts";
import type { SessionRevocations } from "./session-revocations.ts";

/**
 * TOTP factors and recovery codes in the shared database. Every write is one
 * job of the write batcher, under the write lock (BEGIN IMMEDIATE), so each
 * guarded update or delete decides on the rows as committed by every process:
 * a step or a code passes once, whichever process sees it first.
 */
export class SqliteSecondFactorStore implements SecondFactorStore {
  private readonly q;
  private readonly insertAudit;

  constructor(
    db: Db,
    private readonly writes: WriteBatcher,
    private readonly revocations: SessionRevocations,
  ) {
    const p = sql.placeholder;
    /** Only a step later than the one recorded (or the first one) moves it. */
    const stepIsNew = or(isNull(totpFactors.lastUsedStep), lt(totpFactors.lastUsedStep, p("step")));
    const useStep = (where: ReturnType<typeof and>) =>
      db
        .update(totpFactors)
        .set({ lastUsedStep: p("step") as never })
        .where(where)
        .prepare();
    this.q = {
      totpOf: db
        .select()
        .from(totpFactors)
        .where(eq(totpFactors.userId, p("userId")))
        .prepare(),
      /** A new factor, or one over an unconfirmed factor: a confirmed one is left as it is. */
      beginTotp: db
        .insert(totpFactors)
        .values({
          userId: p("userId"),
          sealedSecret: p("sealedSecret"),
          createdAt: p("createdAt"),
          confirmedAt: p("confirmedAt"),
          lastUsedStep: p("lastUsedStep"),
        })
        .onConflictDoUpdate({
          target: totpFactors.userId,
          set: {
            sealedSecret: sql`excluded.sealed_secret`,
            createdAt: sql`excluded.created_at`,
            confirmedAt: sql`excluded.confirmed_at`,
            lastUsedStep: sql`excluded.last_used_step`,
          },
          setWhere: isNull(totpFactors.confirmedAt),
        })
        .prepare(),
      useStep: useStep(and(eq(totpFactors.userId, p("userId")), stepIsNew)),
      useConfirmedStep: useStep(
        and(eq(totpFactors.userId, p("userId")), stepIsNew, isNotNull(totpFactors.confirmedAt)),
      ),
      confirm: db
        .update(totpFactors)
        .set({ confirmedAt: p("now") as never, lastUsedStep: p("step") as never })
        .where(and(eq(totpFactors.userId, p("userId")), isNull(totpFactors.confirmedAt), stepIsNew))
        .prepare(),
      removeTotp: db
        .delete(totpFactors)
        .where(eq(totpFactors.userId, p("userId")))
        .prepare(),
      removeCodes: db
        .delete(recoveryCodes)
        .where(eq(recoveryCodes.userId, p("userId")))
        .prepare(),
      insertCode: db
        .insert(recoveryCodes)
        .values({ codeHash: p("codeHash"), userId: p("userId"), createdAt: p("createdAt") })
        .prepare(),
      useCode: db
        .delete(recoveryCodes)
        .where(
          and(eq(recoveryCodes.codeHash, p("codeHash")), eq(recoveryCodes.userId, p("userId"))),
        )
        .prepare(),
      countCodes: db
        .select({ n: count() })
        .from(recoveryCodes)
        .where(eq(recoveryCodes.userId, p("userId")))
        .prepare(),
      reseal: db
        .update(totpFactors)
        .set({ sealedSecret: p("to") as never })
        .where(and(eq(totpFactors.userId, p("userId")), eq(totpFactors.sealedSecret, p("from"))))
        .prepare(),
      sealedAfter: db
        .select({ userId: totpFactors.userId, sealedSecret: totpFactors.sealedSecret })
        .from(totpFactors)
        .where(gt(totpFactors.userId, p("after")))
        .orderBy(asc(totpFactors.userId))
        .limit(p("limit"))
        .prepare(),
    };
    this.insertAudit = prepareAuditInsert(db);
  }

  async findTotp(userId: string): Promise<TotpFactorRecord | undefined> {
    return this.q.totpOf.get({ userId });
  }

  /** One statement: the upsert's guard reads the row under the write lock. */
  beginTotp(factor: TotpFactorRecord): Promise<"stored" | "confirmed_exists"> {
    return this.writes.run(() =>
      this.q.beginTotp.run({ ...factor }).changes === 1 ? "stored" : "confirmed_exists",
    );
  }

  useTotpStep(userId: string, step: number, confirmed: boolean): Promise<boolean> {
    const statement = confirmed ? this.q.useConfirmedStep : this.q.useStep;
    return this.writes.run(() => statement.run({ userId, step }).changes === 1);
  }

  /** One job, so one commit: the factor is never confirmed without its codes and event. */
  confirmTotp(
    change: SecondFactorChange & { step: number; recoveryCodeHashes: string[] },
  ): Promise<boolean> {
    return this.writes.run(() => {
      const { userId, now, step } = change;
      if (this.q.confirm.run({ userId, now, step }).changes !== 1) return false;
      this.replaceCodes(userId, change.recoveryCodeHashes, now);
      this.insertAudit(change.audit);
      return true;
    });
  }

  /** One job, as `users.replacePassword`: the factor never goes without the end of the other sessions. */
  removeTotp(
    change: SecondFactorChange & { exceptSessionId?: string; reason: RevokeReason },
  ): Promise<string[]> {
    return this.writes.run(() => {
      this.q.removeTotp.run({ userId: change.userId });
      this.q.removeCodes.run({ userId: change.userId });
      const revoked = this.revocations.revokeLiveOfUser(
        change.userId,
        change.reason,
        change.now,
        change.exceptSessionId,
      );
      this.insertAudit(change.audit);
      return revoked;
    });
  }

  replaceRecoveryCodes(change: SecondFactorChange & { hashes: string[] }): Promise<void> {
    return this.writes.run(() => {
      this.replaceCodes(change.userId, change.hashes, change.now);
      this.insertAudit(change.audit);
    });
  }

  /** One job: the delete and the count of what is left, under the write lock. */
  useRecoveryCode(userId: string, codeHash: string): Promise<number | undefined> {
    return this.writes.run(() => {
      if (this.q.useCode.run({ codeHash, userId }).changes !== 1) return undefined;
      return this.q.countCodes.get({ userId })?.n ?? 0;
    });
  }

  async countRecoveryCodes(userId: string): Promise<number> {
    return this.q.countCodes.get({ userId })?.n ?? 0;
  }

  /** One guarded statement under the write lock: it changes the row only as it was read. */
  resealTotp(userId: string, from: string, to: string): Promise<boolean> {
    return this.writes.run(() => this.q.reseal.run({ userId, from, to }).changes === 1);
  }

  async listSealedTotp(afterUserId: string | null, limit: number): Promise<SealedTotpSecret[]> {
    // Every id sorts after the empty string.
    return this.q.sealedAfter.all({ after: afterUserId ?? "", limit });
  }

  /** The user's codes become `hashes`. Call inside a write job only. */
  private replaceCodes(userId: string, hashes: string[], now: number): void {
    this.q.removeCodes.run({ userId });
    for (const codeHash of hashes) this.q.insertCode.run({ codeHash, userId, createdAt: now });
  }
}
