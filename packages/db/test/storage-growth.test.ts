import type { AuthStorage } from "@sesame/auth";
import { describe, expect, it } from "vitest";
import { type Backend, backends, queryValue } from "./support/backends.ts";
import { authOn, email, META, PASSWORD } from "./support/fixtures.ts";

/** What a rotation writes to: the session row, its seal, its folded audit row. */
const ROTATION_TABLES = ["sessions", "session_seals", "audit_events"];

/** PostgreSQL's page size; SQLite's is smaller (4 KB). */
const PAGE = 8192;

/**
 * The bytes the rotation tables occupy with their indexes, as the files hold
 * them: no VACUUM first, so dead row versions count as long as they take room.
 */
async function bytesOfRotationTables(backend: Backend, storage: AuthStorage): Promise<number> {
  const names = ROTATION_TABLES.map((name) => `'${name}'`).join(", ");
  const text =
    backend.dialect === "sqlite"
      ? `SELECT sum(pgsize) FROM dbstat WHERE name IN (${names})
           OR name IN (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN (${names}))`
      : `SELECT sum(pg_total_relation_size(c.oid))::int FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relname IN (${names})`;
  return Number(await queryValue(backend, storage, text));
}

describe.each(backends)("storage on $dialect grows with sessions, not rotations", (backend) => {
  it("300 rotations of one session leave the tables they write no larger than one page more", async () => {
    // Alone: on the run's shared cluster, other files' transactions would defer pruning.
    const storage = await backend.openAlone();
    const { auth } = await authOn(storage);
    const signedUp = await auth.accounts.register({ email: email(), password: PASSWORD }, META);
    let token = (await auth.refresh(signedUp.refreshToken, META)).refreshToken;
    const before = await bytesOfRotationTables(backend, storage);
    for (let i = 0; i < 300; i++) token = (await auth.refresh(token, META)).refreshToken;
    const after = await bytesOfRotationTables(backend, storage);
    // On PostgreSQL each rotation is a heap-only update of the session row,
    // its seal and its audit row (no indexed column changes, and the pages
    // keep room for it), whose dead version the next one reclaims; one
    // index entry per rotation would already be ~16 KB here.
    expect(after - before).toBeLessThanOrEqual(PAGE);
    // The session still holds one row of each, whatever the number of rotations.
    expect(
      await queryValue(backend, storage, "SELECT count(*) FROM session_seals").then(Number),
    ).toBe(1);
    expect(
      await queryValue(
        backend,
        storage,
        "SELECT count(*) FROM audit_events WHERE type = 'refresh'",
      ).then(Number),
    ).toBe(1);
  });
});
