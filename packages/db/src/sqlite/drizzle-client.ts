import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import type { SqliteDatabase } from "./open-database.ts";
import * as schema from "./schema.ts";

export type Db = BetterSQLite3Database<typeof schema>;

export function drizzleClient(sqlite: SqliteDatabase): Db {
  return drizzle({ client: sqlite, schema });
}
