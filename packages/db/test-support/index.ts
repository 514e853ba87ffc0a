// What a test needs to run against PostgreSQL: a fresh database in the run's throwaway cluster,
// and a way to restart or crash that cluster. Import it as "@sesame/db/test-support".
export { freshPostgresDatabase } from "./fresh-postgres-database.ts";
export { killTestCluster } from "./kill-test-cluster.ts";
export { postgresAvailable } from "./postgres-available.ts";
export { restartTestCluster } from "./restart-test-cluster.ts";
export { controlledTestCluster, type TestCluster, testCluster } from "./test-cluster.ts";
