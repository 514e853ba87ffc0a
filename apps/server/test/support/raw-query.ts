import type { AuthStorage } from "@sesame/auth";
import type { SqliteStorage } from "@sesame/db";
import postgres from "postgres";

/**
 * Raw SQL on a test server's database, so a test can show what was (or was
 * not) written, on either backend: `?` placeholders; PostgreSQL's bigints
 * (our epoch-millisecond times, counts) come back as numbers, as SQLite's do.
 */
export function rawQuery(storage: AuthStorage, url: string) {
  if (storage.dialect === "sqlite") {
    const { sqlite } = storage as SqliteStorage;
    return {
      query: async <T>(text: string, ...params: unknown[]): Promise<T[]> => {
        const statement = sqlite.prepare(text);
        if (statement.reader) return statement.all(...params) as T[];
        // A write answers no rows, as on PostgreSQL.
        statement.run(...params);
        return [];
      },
      close: async () => {},
    };
  }
  let client: postgres.Sql | undefined;
  return {
    query: async <T>(text: string, ...params: unknown[]) => {
      client ??= postgres(url, {
        max: 1,
        onnotice: () => {},
        types: { bigint: { to: 20, from: [20], serialize: String, parse: Number } },
      });
      let n = 0;
      const rows = await client.unsafe(
        text.replace(/\?/g, () => `$${++n}`),
        params as never[],
      );
      return rows as unknown as T[];
    },
    close: async () => {
      await client?.end({ timeout: 5 });
    },
  };
}
