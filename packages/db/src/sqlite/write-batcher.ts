import { AuthError } from "@sesame/auth";
import type { SqliteDatabase } from "./open-database.ts";

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. With `synchronous=FULL` every commit waits for the disk, so
 * committing each write alone would cap throughput at the disk's sync rate.
 * Writes that arrive in the same event-loop turn run in one transaction
 * instead, each inside its own savepoint (one failing job does not undo the
 * others), and every caller is answered only after that commit is durable.
 * `BEGIN IMMEDIATE` takes the write lock up front, so a job's reads and
 * writes form one step no other process can interleave with.
 */
export class WriteBatcher {
  /** Batches and jobs committed by every batcher in this process, and the time spent in COMMIT (the sync): for benchmarks and metrics. */
  static readonly totals = { batches: 0, jobs: 0, commitMs: 0 };

  private queue: Job[] = [];
  private scheduled = false;
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      savepoint: db.prepare("SAVEPOINT job"),
      release: db.prepare("RELEASE job"),
      rollbackTo: db.prepare("ROLLBACK TO job"),
    };
  }

  /** Runs `work` (synchronous database calls only) in the next batch; resolves once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every write queued so far has committed or failed. */
  async drain(): Promise<void> {
    if (this.queue.length > 0) await this.run(() => undefined);
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const s = this.statements;
    try {
      s.begin.run();
      for (const job of jobs) {
        s.savepoint.run();
        try {
          outcomes.push({ ok: true, value: job.work() });
          s.release.run();
        } catch (error) {
          s.rollbackTo.run();
          s.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      const commitStarted = performance.now();
      s.commit.run();
      WriteBatcher.totals.commitMs += performance.now() - commitStarted;
      WriteBatcher.totals.batches++;
      WriteBatcher.totals.jobs += jobs.length;
    } catch (error) {
      if (this.db.inTransaction) s.rollback.run();
      const answer = isBusy(error) ? new AuthError("UNAVAILABLE", {}, { cause: error }) : error;
      for (const job of jobs) job.reject(answer);
      return;
    }
    jobs.forEach((job, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error);
    });
  }
}

/**
 * Another process held the write lock past the busy timeout (a long backup, a
 * stuck writer): the database is briefly unavailable, not the request wrong.
 */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}
