import { defineConfig } from "vitest/config";

/** Restarts and kills the run's shared PostgreSQL cluster: every other file's connections would drop with it. */
const CLUSTER_CONTROL = "test/postgres-cluster.test.ts";

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Most files wait on PostgreSQL or argon2 (the thread pool), not on JavaScript: two at a time on 2 cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "db",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: [CLUSTER_CONTROL],
        },
      },
      {
        // Alone, after every other file has finished (projects of a higher groupOrder run later).
        extends: true,
        test: { name: "cluster-control", include: [CLUSTER_CONTROL], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
