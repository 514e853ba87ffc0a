import { controlledTestCluster } from "./test-cluster.ts";

/**
 * Restarts the run's PostgreSQL cleanly (pg_ctl stop -m fast, then start, on the same port):
 * every session is cut, committed data stays. Other test files share the cluster and see the
 * restart too; restarts from several processes take turns.
 */
export async function restartTestCluster(): Promise<void> {
  await (await controlledTestCluster()).restart();
}
