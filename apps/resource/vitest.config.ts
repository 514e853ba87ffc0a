import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Tests spawn real servers as separate processes; two files at a time suits a 2-core machine.
    maxWorkers: 2,
  },
});
