import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = fileURLToPath(new URL("../..", import.meta.url));
/** The workspace sources bundled into the app besides its own: the contracts and the auth client. */
const packageSources = ["packages/auth/src/contracts", "packages/client/src"].map((p) =>
  fileURLToPath(new URL(`../../../../${p}`, import.meta.url)),
);
const SOURCES = ["src", "public", "index.html", "vite.config.ts", "package.json"].map((p) =>
  join(appDir, p),
);

function newestChange(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/**
 * The browser tests run against the built app, as users get it. Turbo builds
 * it before `test`; run directly (`pnpm test`), this builds it when any source
 * is newer than the last build.
 */
export default function buildWebApp(): void {
  const built = newestChange(join(appDir, "dist", "index.html"));
  const sources = Math.max(...[...SOURCES, ...packageSources].map(newestChange));
  if (built > sources) return;
  // A child process, as `pnpm build` runs it: under vitest NODE_ENV is "test", which would bundle React's development build.
  const vite = join(
    dirname(createRequire(import.meta.url).resolve("vite/package.json")),
    "bin/vite.js",
  );
  execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
}
