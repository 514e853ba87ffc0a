import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const DRIZZLE_KIT = join(PACKAGE_DIR, "node_modules", ".bin", "drizzle-kit");

describe("the committed migrations", () => {
  it("are exactly the schema: drizzle-kit finds nothing left to migrate", () => {
    // A copy, so a drifted schema shows as a new migration there and never lands in ./drizzle.
    const out = mkdtempSync(join(tmpdir(), "sesame-migrations-"));
    try {
      cpSync(join(PACKAGE_DIR, "drizzle"), out, { recursive: true });
      const before = readdirSync(out).sort();
      const printed = execFileSync(
        DRIZZLE_KIT,
        // drizzle-kit reads `--out` relative to the working directory.
        [
          "generate",
          "--dialect",
          "sqlite",
          "--schema",
          "./src/schema.ts",
          "--out",
          relative(PACKAGE_DIR, out),
        ],
        { cwd: PACKAGE_DIR, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      );
      expect(printed).toContain("No schema changes");
      expect(readdirSync(out).sort()).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
