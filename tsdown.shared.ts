import { dirname } from "node:path";
import { defineConfig, type UserConfig } from "tsdown";

/**
 * How every public package is built for npm: ESM with declarations, the
 * source layout kept file for file (`src/a/b.ts` → `dist/a/b.mjs`, so paths
 * relative to a module — the migrations folder — hold in both), and every
 * dependency left an import. `entry` maps each subpath's name to its source.
 * A module that reads a file beside itself names it in `assets`.
 */
export function publicPackage(
  entry: Record<string, string>,
  platform: UserConfig["platform"] = "node",
  /** Files modules read at run time (`src/…`), copied beside their modules in `dist/`. */
  assets: string[] = [],
) {
  return defineConfig({
    copy: assets.map((from) => ({ from, to: dirname(from).replace(/^src/, "dist") })),
    entry,
    format: "esm",
    platform,
    target: platform === "node" ? "node20" : "es2022",
    fixedExtension: true,
    unbundle: true,
    root: "src",
    dts: true,
    clean: true,
    logLevel: "warn",
  });
}
