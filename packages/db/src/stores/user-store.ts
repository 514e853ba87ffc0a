import type { UserRecord, UserStore } from "@sesame/auth";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../drizzle-client.ts";
import { users } from "../schema.ts";
import type { WriteBatcher } from "../write-batcher.ts";

export class SqliteUserStore implements UserStore {
  private readonly byId;
  private readonly byEmail;

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
  ) {
    this.byId = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare();
    this.byEmail = db
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder("email")))
      .prepare();
  }

  create(user: UserRecord): Promise<"created" | "email_taken"> {
    return this.writes.run(() => {
      const inserted = this.db
        .insert(users)
        .values(user)
        .onConflictDoNothing({ target: users.email })
        .run();
      return inserted.changes === 1 ? "created" : "email_taken";
    });
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.byEmail.get({ email });
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    return this.byId.get({ id });
  }

  updatePasswordHash(userId: string, passwordHash: string, now: number): Promise<void> {
    return this.writes.run(() => {
      this.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)).run();
    });
  }

  setDisabled(userId: string, disabledAt: number | null, now: number): Promise<void> {
    return this.writes.run(() => {
      this.db.update(users).set({ disabledAt, updatedAt: now }).where(eq(users.id, userId)).run();
    });
  }
}
