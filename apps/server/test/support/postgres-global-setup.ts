import { testCluster } from "@sesame/db/test-support";

/**
 * One PostgreSQL cluster for the whole vitest run: `npm test` starts it and
 * passes its address down; a bare `npx vitest run` gets one here, in the main
 * process, before any worker starts, so every worker inherits its address
 * instead of starting a cluster of its own.
 */
export default async function setup(): Promise<void> {
  await testCluster();
}
