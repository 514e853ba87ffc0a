import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { sessionRunLookup } from "../src/sqlite/stores/audit-store.ts";
import { sqlite } from "./support/backends.ts";

/**
 * Every refresh folds its event into its session's run, so that lookup must
 * cost the same however many rows the account has: SQLite's planner, left
 * to itself, reads it through the (user_id, first_at) index instead, every
 * row the account started in the last hour (a soak of busy accounts showed
 * that fold's share of the event loop tripling in ten minutes).
 */
describe("a session's audit run on SQLite", () => {
  it("is read through the (session_id, id) index, not the account's rows", async () => {
    const storage = await sqlite.open();
    const { sql: text } = new SQLiteSyncDialect().sqlToQuery(sessionRunLookup);
    const plan = await sqlite.query<{ detail: string }>(storage, `EXPLAIN QUERY PLAN ${text}`, [
      "session",
      "user",
      "refresh",
      null,
      0,
    ]);
    const steps = plan.map((step) => step.detail).join("\n");
    expect(steps).toContain("USING INDEX audit_events_session_id_id_idx (session_id=?)");
    expect(steps).not.toContain("audit_events_user_id_first_at_idx");
    // Newest first straight from the index: no sort of the session's rows either.
    expect(steps).not.toContain("TEMP B-TREE");
  });
});
