import { randomUUID } from "node:crypto";

export interface Note {
  id: string;
  text: string;
  /** A `Date`, not a string, on both ends: superjson carries it. */
  createdAt: Date;
}

/**
 * The app's own data, kept in memory to keep the example short. A real app
 * puts this in its database; nothing about Sesame changes when it does.
 */
export class NotesStore {
  private readonly notesByUser = new Map<string, Note[]>();

  list(userId: string): Note[] {
    return this.notesByUser.get(userId) ?? [];
  }

  add(userId: string, text: string): Note {
    const note: Note = { id: randomUUID(), text, createdAt: new Date() };
    this.notesByUser.set(userId, [...this.list(userId), note]);
    return note;
  }

  /** Removes one of this user's notes; another user's id matches nothing. */
  remove(userId: string, noteId: string): void {
    this.notesByUser.set(
      userId,
      this.list(userId).filter((note) => note.id !== noteId),
    );
  }
}
