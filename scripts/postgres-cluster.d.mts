// Types of postgres-cluster.mjs, which stays plain JavaScript because it runs before anything is installed.

export interface ClusterOptions {
  /** fsync and full_page_writes on; off by default (a killed postgres loses nothing either way). */
  durable?: boolean;
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres — superuser, trust auth. */
  url: string;
  port: number;
  dataDir: string;
  durable: boolean;
  /** The JSON file another process passes to attachCluster (SESAME_TEST_PG_CONTROL). */
  controlFile: string;
  /** Stops postgres and deletes the cluster's folder. */
  stop(): Promise<void>;
  /** pg_ctl stop -m fast, then start on the same port: sessions are cut, committed data stays. */
  restart(): Promise<void>;
  /** SIGKILL to the postmaster, then a start with crash recovery, on the same port. */
  kill(): Promise<void>;
}

export function findPostgresBinaries(): string | undefined;
export function startCluster(options?: ClusterOptions): Promise<PostgresCluster>;
export function attachCluster(controlFile: string): PostgresCluster;
