import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Node's own globals by default, as for any non-browser platform; the React tests ask for a DOM.
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    testTimeout: 20_000,
  },
});
