import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import {
  freshPostgresDatabase,
  killTestCluster,
  restartTestCluster,
} from "../test-support/index.ts";

const clients: Array<ReturnType<typeof postgres>> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((sql) => sql.end({ timeout: 1 })));
});

function connect(url: string) {
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  clients.push(sql);
  return sql;
}

async function databaseWithNotes(): Promise<string> {
  const url = await freshPostgresDatabase();
  await connect(url)`create table note (id serial primary key, body text not null)`;
  return url;
}

// No skip: without `npm test`'s cluster, freshPostgresDatabase starts one for this process.
describe("the test PostgreSQL cluster", () => {
  it("gives each caller its own empty database to connect to and write to", async () => {
    const [a, b] = await Promise.all([freshPostgresDatabase(), freshPostgresDatabase()]);
    expect(a).not.toBe(b);
    const [sqlA, sqlB] = [connect(a), connect(b)];
    for (const sql of [sqlA, sqlB]) {
      expect(
        await sql`select count(*)::int as tables from pg_tables where schemaname = 'public'`,
      ).toEqual([{ tables: 0 }]);
    }
    await sqlA`create table note (body text)`;
    await sqlA`insert into note values ('only in a')`;
    expect(await sqlA`select body from note`).toEqual([{ body: "only in a" }]);
    await expect(sqlB`select body from note`).rejects.toMatchObject({ code: "42P01" });
  });

  it("keeps committed data across a restart", async () => {
    const url = await databaseWithNotes();
    await connect(url)`insert into note (body) values ('before the restart')`;
    await restartTestCluster();
    const after = connect(url);
    expect(await after`select body from note`).toEqual([{ body: "before the restart" }]);
    await after`insert into note (body) values ('after the restart')`;
    expect((await after`select body from note order by id`).map((row) => row.body)).toEqual([
      "before the restart",
      "after the restart",
    ]);
  });

  it("keeps every acknowledged commit across a crash (SIGKILL of the postmaster)", async () => {
    const url = await databaseWithNotes();
    const sql = connect(url);
    // Separate commits from several connections, the last of them acknowledged just before the kill.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => sql`insert into note (body) values (${`commit ${i}`})`),
    );
    await killTestCluster();
    expect(await connect(url)`select count(*)::int as notes from note`).toEqual([{ notes: 200 }]);
  });
});
