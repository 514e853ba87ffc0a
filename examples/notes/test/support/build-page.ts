import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const exampleDir = fileURLToPath(new URL("../..", import.meta.url));
const PAGE_SOURCES = ["src/client", "index.html", "vite.config.ts", "package.json"];

function newestChange(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/**
 * The tests drive the built page, as users get it. Turbo builds it before
 * `test`; run on their own, the tests build it when a source is newer.
 */
export default function buildPage(): void {
  const built = newestChange(join(exampleDir, "dist", "index.html"));
  const sources = Math.max(...PAGE_SOURCES.map((path) => newestChange(join(exampleDir, path))));
  if (built > sources) return;
  // A child process, as `pnpm build` runs it: under vitest NODE_ENV is "test", which would bundle React's development build.
  const vite = join(
    dirname(createRequire(import.meta.url).resolve("vite/package.json")),
    "bin/vite.js",
  );
  execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: exampleDir,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
}
