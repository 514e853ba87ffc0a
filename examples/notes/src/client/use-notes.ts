import type { inferRouterOutputs } from "@trpc/server";
import { useCallback, useEffect, useState } from "react";
import type { AppRouter } from "../server/app-router.ts";
import { api } from "./api.ts";
import { errorMessage } from "./error-message.ts";

export type Note = inferRouterOutputs<AppRouter>["notes"]["list"][number];

/** The signed-in user's notes, and the calls that change them. */
export function useNotes() {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Runs a call; a failure shows as the page's error instead of being thrown away. */
  const run = useCallback(async (call: () => Promise<void>) => {
    try {
      await call();
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, []);

  useEffect(() => {
    void run(async () => setNotes(await api.notes.list.query()));
  }, [run]);

  return {
    notes,
    error,
    add: (text: string) =>
      run(async () => {
        const note = await api.notes.add.mutate({ text });
        setNotes((current) => [...(current ?? []), note]);
      }),
    remove: (id: string) =>
      run(async () => {
        await api.notes.remove.mutate({ id });
        setNotes((current) => (current ?? []).filter((note) => note.id !== id));
      }),
  };
}
