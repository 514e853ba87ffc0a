import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );

const importsOf = (file: string): string[] =>
  [...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map(
    (match) => match[1] ?? "",
  );

/** Every file an entry point loads, following relative imports. */
function reachableFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
    }
  };
  visit(join(SRC, entry));
  return seen;
}

const packagesOf = (files: Iterable<string>) =>
  new Set(
    [...files]
      .flatMap(importsOf)
      .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
      .map((specifier) =>
        specifier
          .split("/")
          .slice(0, specifier.startsWith("@") ? 2 : 1)
          .join("/"),
      ),
  );

describe("what a service that only verifies tokens installs", () => {
  it("is jose alone; @trpc/server and hono are optional peers", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(["jose"]);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@trpc/server", "hono"]);
    expect(manifest.peerDependenciesMeta).toEqual({
      "@trpc/server": { optional: true },
      hono: { optional: true },
    });
  });

  it("is what the source imports: nothing of Sesame's core, no argon2, no database driver", () => {
    expect([...packagesOf(sourceFiles(SRC))].sort()).toEqual(["@trpc/server", "hono", "jose"]);
  });

  it("loads neither hono nor @trpc/server from the verifier's own entry points", () => {
    expect([...packagesOf(reachableFrom("index.ts"))]).toEqual(["jose"]);
    expect([...packagesOf(reachableFrom("rules.ts"))]).toEqual(["jose"]);
    expect([...packagesOf(reachableFrom("hono/index.ts"))].sort()).toEqual(["hono", "jose"]);
    expect([...packagesOf(reachableFrom("trpc/index.ts"))].sort()).toEqual([
      "@trpc/server",
      "jose",
    ]);
  });
});
