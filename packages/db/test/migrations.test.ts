import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { hashToken, ManualClock, REFRESH_TOKEN, signToken } from "@sesame/auth";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { openDatabase, openStorage, type PostgresStorage } from "../src/index.ts";
import { freshPostgresDatabase } from "../test-support/index.ts";
import {
  afterThisTest,
  authOn,
  codeOf,
  freshDatabaseFile,
  META,
  openSqlite,
  testKeyRing,
} from "./support/fixtures.ts";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const DRIZZLE_KIT = join(PACKAGE_DIR, "node_modules", ".bin", "drizzle-kit");

describe.each([
  { dialect: "sqlite", folder: "sqlite" },
  { dialect: "postgresql", folder: "pg" },
])("the committed $dialect migrations", ({ dialect, folder }) => {
  it("are exactly the schema: drizzle-kit finds nothing left to migrate", () => {
    // A copy, so a drifted schema shows as a new migration there and never lands in ./drizzle.
    const out = mkdtempSync(join(tmpdir(), "sesame-migrations-"));
    try {
      cpSync(join(PACKAGE_DIR, "drizzle", folder), out, { recursive: true });
      const before = readdirSync(out).sort();
      const printed = execFileSync(
        DRIZZLE_KIT,
        // drizzle-kit reads `--out` relative to the working directory.
        [
          "generate",
          "--dialect",
          dialect,
          "--schema",
          `./src/${folder}/schema.ts`,
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

describe("PostgreSQL nodes starting together on an empty database", () => {
  it("all open, and the migrations are applied exactly once", async () => {
    const url = await freshPostgresDatabase();
    const storages = await Promise.all(
      Array.from({ length: 3 }, () => openStorage(url, { poolSize: 2 })),
    );
    for (const storage of storages) afterThisTest(() => storage.close());
    const { sql } = storages[0] as PostgresStorage;
    const applied = await sql`SELECT hash FROM drizzle.__drizzle_migrations`;
    const journal = JSON.parse(
      readFileSync(join(PACKAGE_DIR, "drizzle", "pg", "meta", "_journal.json"), "utf8"),
    );
    expect(applied).toHaveLength(journal.entries.length);
    expect(new Set(applied.map((row) => row.hash)).size).toBe(applied.length);
    // Each works, and each sees what the others write.
    expect(storages.map((storage) => storage.dialect)).toEqual(Array(3).fill("postgresql"));
    await storages[1]?.dpopProofs.remember("a proof", Date.now() + 60_000);
    expect(await storages[2]?.dpopProofs.remember("a proof", Date.now() + 60_000)).toBe(false);
  });
});

describe("upgrading a database made by the first release", () => {
  it("keeps every session (its unused refresh token rotates, its spent one is reuse) and every audit event", async () => {
    const file = freshDatabaseFile();
    // The first release's schema, with a session whose chain is RT0 (spent) → RT1 (current).
    const first = mkdtempSync(join(tmpdir(), "sesame-first-release-"));
    try {
      cpSync(join(PACKAGE_DIR, "drizzle", "sqlite", "0000_init.sql"), join(first, "0000_init.sql"));
      mkdirSync(join(first, "meta"));
      const journal = JSON.parse(
        readFileSync(join(PACKAGE_DIR, "drizzle", "sqlite", "meta", "_journal.json"), "utf8"),
      );
      journal.entries = journal.entries.slice(0, 1);
      writeFileSync(join(first, "meta", "_journal.json"), JSON.stringify(journal));
      const old = openDatabase(file);
      migrate(drizzle({ client: old }), { migrationsFolder: first });
      const now = Date.now();
      const keys = await testKeyRing();
      const config = { issuer: "https://id.example.test", audience: "sesame" };
      const subject = { userId: "u1", sessionId: "s1" };
      const mint = (jti: string) =>
        signToken(REFRESH_TOKEN, keys, config, subject, jti, now / 1000, now / 1000 + 3600);
      const [rt0, rt1] = [await mint("a".repeat(43)), await mint("b".repeat(43))];
      old.exec(
        `INSERT INTO users VALUES ('u1', 'old@example.com', null, 'user', 'x', ${now}, ${now}, null)`,
      );
      old.exec(
        `INSERT INTO sessions VALUES ('s1', 'u1', ${now}, ${now}, ${now + 3_600_000}, ${now + 7_200_000}, null, null, 'ua', '203.0.113.7')`,
      );
      old.exec(
        `INSERT INTO audit_events (type, at, user_id, session_id) VALUES ('login_succeeded', ${now - 1000}, 'u1', 's1')`,
      );
      const insert = old.prepare(
        "INSERT INTO refresh_tokens VALUES (?, 's1', ?, ?, ?, ?, ?, null)",
      );
      insert.run(hashToken(rt0), null, now - 1000, now + 3_600_000, now - 500, hashToken(rt1));
      insert.run(hashToken(rt1), hashToken(rt0), now - 500, now + 3_600_000, null, null);
      old.close();

      const storage = openSqlite(file);
      const { auth, clock } = await authOn(storage, new ManualClock(now + 20_000));
      clock.advance(0);
      expect(await codeOf(auth.refresh(rt1, META))).toBe("ok");
      expect(await codeOf(auth.refresh(rt0, META))).toBe("REFRESH_REUSED");
      // Every session of then was opened with a password.
      expect((await storage.sessions.findById("s1"))?.amr).toEqual(["pwd"]);
      // The first release's event kept its time, now also its first occurrence.
      const signIn = (await auth.auditLog("u1")).find((event) => event.type === "login_succeeded");
      const then = new Date(now - 1000).toISOString();
      expect(signIn).toMatchObject({ at: then, firstAt: then, count: 1 });
    } finally {
      rmSync(first, { recursive: true, force: true });
    }
  });
});
