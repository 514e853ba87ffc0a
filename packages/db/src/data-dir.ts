import { dirname } from "node:path";
import { isPostgresUrl } from "./open-storage.ts";
import { databasePath } from "./sqlite/open-database.ts";

/**
 * Where files that belong with a database go when nobody said where (the
 * generated signing keys and secrets): beside a SQLite database, so the
 * processes that share the file share them; `./data` for PostgreSQL.
 */
export function defaultDataDir(databaseUrl: string | undefined): string {
  if (databaseUrl === undefined || isPostgresUrl(databaseUrl)) return "./data";
  const path = databasePath(databaseUrl);
  return path === ":memory:" ? "./data" : dirname(path);
}
