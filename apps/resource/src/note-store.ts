import { randomUUID } from "node:crypto";

export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** Notes by owner (the token's `sub`), in memory: the point of this service is who may read them. */
export class NoteStore {
  private readonly byOwner = new Map<string, Note[]>();

  list(owner: string): Note[] {
    return this.byOwner.get(owner) ?? [];
  }

  add(owner: string, text: string, now = new Date()): Note {
    const note = { id: randomUUID(), text, createdAt: now.toISOString() };
    this.byOwner.set(owner, [...this.list(owner), note]);
    return note;
  }
}
