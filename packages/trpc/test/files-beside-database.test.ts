import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { createSesame } from "../src/index.ts";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

it("keeps the generated signing keys and server secret beside a SQLite database elsewhere, never in ./data", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sesame-files-"));
  dirs.push(dir);
  const before = existsSync("./data");
  const sesame = await createSesame({
    publicUrl: "http://localhost:1",
    database: join(dir, "team.db"),
    log: () => {},
  });
  await sesame.close();
  for (const file of ["signing-keys.json", "server-secret"]) {
    expect(existsSync(join(dir, file))).toBe(true);
    // Secrets: readable by their owner only.
    expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
  }
  expect(existsSync("./data")).toBe(before);
});
