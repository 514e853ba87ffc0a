import type { ContextOptions, Sesame, SesameContext } from "@sesame/trpc";
import type { NotesStore } from "./notes-store.ts";

/** What every procedure sees: Sesame's part (one key, `sesame`) beside the app's own. */
export type AppContext = SesameContext & { notes: NotesStore };

/** The app's `createContext`, for whichever tRPC adapter serves it. */
export function appContextFactory(sesame: Sesame, notes: NotesStore) {
  return (opts: ContextOptions): AppContext => ({ ...sesame.createContext(opts), notes });
}
