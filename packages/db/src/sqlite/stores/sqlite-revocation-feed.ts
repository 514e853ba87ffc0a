import type { Revocation, RevocationFeed } from "@sesame/auth";
import { gt, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import type { SqliteDatabase } from "../open-database.ts";
import { sessionRevocations } from "../schema.ts";
import type { SessionRevocations } from "./session-revocations.ts";

/**
 * The revocation feed on SQLite. Every revocation is appended to
 * `session_revocations` in the commit that makes it, and SQLite commits one
 * writer at a time, so the sequence is gap-free in commit order and a cursor
 * never skips one. `catchUp` runs before every access-token check: when
 * neither `PRAGMA data_version` (bumped by other connections' commits) nor
 * this connection's own count moved, it costs one tiny query and reads nothing.
 */
export class SqliteRevocationFeed implements RevocationFeed {
  private readonly q;
  private listener: ((revocations: Revocation[]) => void) | undefined;
  private cursor = 0;
  private seen = { dataVersion: -1, local: -1 };

  constructor(
    db: Db,
    sqlite: SqliteDatabase,
    private readonly revocations: SessionRevocations,
  ) {
    this.q = {
      dataVersion: sqlite.prepare("PRAGMA data_version").pluck(),
      after: db
        .select()
        .from(sessionRevocations)
        .where(gt(sessionRevocations.seq, sql.placeholder("cursor")))
        .orderBy(sessionRevocations.seq)
        .prepare(),
    };
  }

  /** From the first row again: a listener started anew (a new auth core on this storage) knows none. */
  async start(listener: (revocations: Revocation[]) => void): Promise<void> {
    this.listener = listener;
    this.cursor = 0;
    this.seen = { dataVersion: -1, local: -1 };
    this.catchUp();
  }

  catchUp(): void {
    if (!this.listener) return;
    const dataVersion = this.q.dataVersion.get() as number;
    const local = this.revocations.localCount;
    if (dataVersion === this.seen.dataVersion && local === this.seen.local) return;
    this.seen = { dataVersion, local };
    const rows = this.q.after.all({ cursor: this.cursor });
    if (rows.length === 0) return;
    this.cursor = rows.at(-1)?.seq ?? this.cursor;
    this.listener(rows.map(({ sessionId, revokedAt }) => ({ sessionId, revokedAt })));
  }

  async stop(): Promise<void> {
    this.listener = undefined;
  }
}
