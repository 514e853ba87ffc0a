import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/index.ts";
import {
  authOn,
  codeOf,
  email,
  freshDatabaseFile,
  META,
  openSqlite,
  PASSWORD,
} from "./support/fixtures.ts";

describe("SQLite: a write lock held past the busy timeout", () => {
  it("is UNAVAILABLE (a 503 for the client), not an internal error, and writes work again once it is released", async () => {
    const file = freshDatabaseFile();
    const { auth } = await authOn(openSqlite(file));
    // Another process holds the write lock, like a stuck writer or a long backup.
    const other = openDatabase(file);
    other.exec("BEGIN IMMEDIATE");
    try {
      const code = await codeOf(
        auth.accounts.register({ email: email(), password: PASSWORD }, META),
      );
      expect(code).toBe("UNAVAILABLE");
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(await codeOf(auth.accounts.register({ email: email(), password: PASSWORD }, META))).toBe(
      "ok",
    );
  }, 20_000);
});
