import { useAuth } from "@sesame/client/react";
import type { FormEvent } from "react";
import { useNotes } from "./use-notes.ts";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The signed-in page: the user's notes, a field to add one, and log out. */
export function NotesPage() {
  const { user, signOut } = useAuth();
  const { notes, error, add, remove } = useNotes();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get("text")).trim();
    if (text === "") return;
    await add(text);
    form.reset();
  }

  return (
    <main>
      <header>
        <h1>Your notes</h1>
        <p>{user?.email}</p>
        <button type="button" onClick={() => void signOut()}>
          Log out
        </button>
      </header>
      <form onSubmit={submit}>
        <label>
          New note
          <input name="text" maxLength={500} required />
        </label>
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {notes === null ? (
        <p aria-busy="true">Loading notes…</p>
      ) : (
        <ul aria-label="Notes">
          {/* createdAt arrives as a Date: superjson, on both ends. */}
          {notes.map((note) => (
            <li key={note.id}>
              <span>{note.text}</span>{" "}
              <time dateTime={note.createdAt.toISOString()}>
                {timeFormat.format(note.createdAt)}
              </time>{" "}
              <button
                type="button"
                aria-label={`Remove ${note.text}`}
                onClick={() => void remove(note.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
