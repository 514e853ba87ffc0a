import { defineConfig } from "vitest/config";

/**
 * Tests whose subject is not the storage: keys in files (the ring in the
 * database has its own test), the command-line tools, start-up and shutdown
 * of the SQLite default, token interop. They run once, on SQLite; every
 * other server test runs once per backend.
 */
const STORAGE_INDEPENDENT = [
  "test/env.test.ts",
  "test/graceful-shutdown.test.ts",
  "test/interop-jsonwebtoken.test.ts",
  "test/interop-pyjwt.test.ts",
  "test/key-file-lock.test.ts",
  "test/keys-cli.test.ts",
  "test/keys-algorithms.test.ts",
  "test/keys-compromised.test.ts",
  "test/keys-first-start.test.ts",
  "test/keys-jwks.test.ts",
  "test/keys-rotation-under-load.test.ts",
  "test/mail/mail-transport-from-env.test.ts",
  "test/mail/outbox-transport.test.ts",
  "test/mail/smtp-transport.test.ts",
  "test/processes.test.ts",
  "test/security-headers.test.ts",
  "test/startup-errors.test.ts",
];

/** Tests of several nodes on one PostgreSQL database: they run only in the postgresql project. */
const PG_ONLY = ["test/many-nodes.test.ts"];

/** Tests of several processes on one SQLite file: they run only in the sqlite project. */
const SQLITE_ONLY = ["test/kill-nine-sqlite.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on ephemeral ports; two at a time suits a 2-core machine.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: PG_ONLY,
          env: { SESAME_TEST_BACKEND: "sqlite" },
        },
      },
      {
        extends: true,
        test: {
          name: "postgresql",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: [...STORAGE_INDEPENDENT, ...SQLITE_ONLY],
          env: { SESAME_TEST_BACKEND: "postgresql" },
          globalSetup: ["test/support/postgres-global-setup.ts"],
        },
      },
    ],
  },
});
