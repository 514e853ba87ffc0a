import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { testCluster } from "./test-cluster.ts";

/** The errors of a server that is restarting (another test file may be restarting or killing it). */
const RESTARTING = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
]);
const DUPLICATE_DATABASE = "42P04";

/**
 * A new, empty database in the run's PostgreSQL cluster (CREATE DATABASE sesame_test_<random>,
 * from template1); returns its URL. Nothing drops it: the cluster is deleted with the run.
 */
export async function freshPostgresDatabase(): Promise<string> {
  const { url } = await testCluster();
  const name = `sesame_test_${randomBytes(8).toString("hex")}`;
  const deadline = Date.now() + 30_000;
  for (let attempt = 1; ; attempt++) {
    const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
    try {
      await sql.unsafe(`CREATE DATABASE ${name}`);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      // A connection lost after the commit: the database is there.
      if (attempt > 1 && code === DUPLICATE_DATABASE) break;
      if (!RESTARTING.has(code) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.toString();
}
