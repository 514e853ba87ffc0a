import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { attachCluster, type PostgresCluster } from "../../../scripts/postgres-cluster.mjs";

export interface TestCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres: superuser, trust auth. */
  url: string;
  /** The control file restartTestCluster and killTestCluster act through; none for a foreign server. */
  control: string | undefined;
}

const script = fileURLToPath(new URL("../../../scripts/postgres-cluster.mjs", import.meta.url));
let started: Promise<TestCluster> | undefined;

/**
 * The run's PostgreSQL cluster: the one `npm test` started for every test process
 * (SESAME_TEST_PG_URL, SESAME_TEST_PG_CONTROL), or else, so that `npx vitest run <file>` works
 * without the bootstrap, one started on first use for this process and removed when it exits.
 */
export function testCluster(): Promise<TestCluster> {
  const url = process.env.SESAME_TEST_PG_URL;
  if (url)
    return Promise.resolve({ url, control: process.env.SESAME_TEST_PG_CONTROL || undefined });
  started ??= startForThisProcess().catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}

/** The run's cluster as something to restart or kill; only a cluster this run started has one. */
export async function controlledTestCluster(): Promise<PostgresCluster> {
  const { url, control } = await testCluster();
  if (!control) {
    throw new Error(
      `SESAME_TEST_PG_URL (${url}) is a server this run did not start (no SESAME_TEST_PG_CONTROL): it cannot be restarted or killed`,
    );
  }
  return attachCluster(control);
}

/**
 * Started by a detached `serve` process that watches ours and removes the cluster once we are
 * gone, however we end: vitest may kill its workers, and exit handlers do not run on a SIGKILL.
 */
async function startForThisProcess(): Promise<TestCluster> {
  const child = spawn(process.execPath, [script, "serve", "--parent", String(process.pid)], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([once(lines, "line"), once(child, "exit")])) as [unknown];
  lines.close();
  child.stdout.destroy();
  child.unref();
  const answer = typeof line === "string" ? JSON.parse(line) : { error: `exited with ${line}` };
  if (answer.error) throw new Error(`Could not start a PostgreSQL test cluster: ${answer.error}`);
  process.env.SESAME_TEST_PG_URL = answer.url;
  process.env.SESAME_TEST_PG_CONTROL = answer.control;
  return { url: answer.url, control: answer.control };
}
