import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "@sesame/db";
import { afterEach, expect, it } from "vitest";
import { seedDatabase, seededEmail } from "../src/fixtures/seed-database.ts";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

it("seeds rows the real storage reads back, on the schema of every migration so far", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sesame-seed-"));
  dirs.push(dir);
  const path = join(dir, "seeded.db");
  const seeded = seedDatabase(path, { users: 3, sessions: 7, passwordHash: "$argon2id$v=19$x" });
  expect(seeded.sample.length).toBeGreaterThan(0);
  const storage = await openStorage(path);
  try {
    const user = await storage.users.findByEmail(seededEmail(1));
    expect(user).toMatchObject({ email: seededEmail(1), role: "user" });
    const first = seeded.sample[0];
    const sessions = await storage.sessions.listActive(first?.userId as string, Date.now());
    expect(sessions.map((session) => session.id)).toContain(first?.sessionId);
  } finally {
    await storage.close();
  }
});
