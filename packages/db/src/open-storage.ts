import type { AuthStorage } from "@sesame/auth";
import { openPostgresStorage } from "./pg/pg-storage.ts";
import { openSqliteStorage } from "./sqlite/sqlite-storage.ts";

export interface OpenStorageOptions {
  /** PostgreSQL: connections in this process's pool (default 10). Ignored by SQLite. */
  poolSize?: number;
}

/**
 * The one seam between the server and its database, picked by `DATABASE_URL`:
 * `postgres://` or `postgresql://` is PostgreSQL (the migrations applied under
 * an advisory lock, so nodes starting together migrate once), anything else a
 * SQLite file (`file:`, a path, `:memory:`).
 */
/** `postgres://` or `postgresql://`: the PostgreSQL backend (anything else is a SQLite file). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export async function openStorage(
  url: string,
  options: OpenStorageOptions = {},
): Promise<AuthStorage> {
  if (isPostgresUrl(url)) return openPostgresStorage(url, options);
  return openSqliteStorage(url);
}
