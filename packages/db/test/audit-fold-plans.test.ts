import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import type { SqliteStorage } from "../src/index.ts";
import { drizzleClient } from "../src/sqlite/drizzle-client.ts";
import { capLookups, sessionRunLookup } from "../src/sqlite/stores/audit-store.ts";
import { sqlite } from "./support/backends.ts";

/**
 * A refresh folds its audit event into a run, so the lookups that decide a
 * fold must cost the same however busy the account is. SQLite's planner, with
 * no ANALYZE statistics, reads them through whatever index it guesses; a soak
 * of busy accounts showed the wrong guesses as fold lookups whose share of the
 * event loop grew minute by minute. These tests pin the plans.
 */
describe("the audit fold lookups on SQLite", () => {
  const planOf = async (storage: SqliteStorage, text: string, params: unknown[]) => {
    const plan = await sqlite.query<{ detail: string }>(
      storage,
      `EXPLAIN QUERY PLAN ${text}`,
      params,
    );
    return plan.map((step) => step.detail).join("\n");
  };

  it("read a session's run through the (session_id, id) index, not the account's rows", async () => {
    const storage = (await sqlite.open()) as SqliteStorage;
    const { sql: text } = new SQLiteSyncDialect().sqlToQuery(sessionRunLookup);
    const steps = await planOf(storage, text, ["session", "user", "refresh", null, 0]);
    expect(steps).toContain("USING INDEX audit_events_session_id_id_idx (session_id=?)");
    expect(steps).not.toContain("audit_events_user_id_first_at_idx");
    // Newest first straight from the index: no sort of the session's rows either.
    expect(steps).not.toContain("TEMP B-TREE");
  });

  it("count the cap and find the latest row of a type through the (user_id, type, first_at) index", async () => {
    const storage = (await sqlite.open()) as SqliteStorage;
    const { rowsInCap, latestOfType } = capLookups(drizzleClient(storage.sqlite));
    const cap = await planOf(storage, rowsInCap.toSQL().sql, ["user", 0, '["refresh"]']);
    expect(cap).toContain(
      "USING COVERING INDEX audit_events_user_id_type_first_at_idx (user_id=? AND type=? AND first_at>?)",
    );
    const latest = await planOf(storage, latestOfType.toSQL().sql, ["user", 0, "refresh", 1]);
    expect(latest).toContain(
      "USING COVERING INDEX audit_events_user_id_type_first_at_idx (user_id=? AND type=? AND first_at>?)",
    );
  });
});
