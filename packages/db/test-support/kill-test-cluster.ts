import { controlledTestCluster } from "./test-cluster.ts";

/**
 * Crashes the run's PostgreSQL (SIGKILL to the postmaster) and starts it again on the same port,
 * with crash recovery: every acknowledged commit is there afterwards. Resolves once it accepts
 * connections. Other test files share the cluster and see the crash too.
 */
export async function killTestCluster(): Promise<void> {
  await (await controlledTestCluster()).kill();
}
