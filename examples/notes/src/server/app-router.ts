import { sesameRouter } from "@sesame/trpc";
import { notesRouter } from "./notes-router.ts";
import { router } from "./trpc.ts";

/** Sesame under `auth` (`auth.auth.login`, `auth.user.me`, …) beside the app's own `notes`. */
export const appRouter = router({
  auth: sesameRouter,
  notes: notesRouter,
});

/** The only thing the browser takes from the server: a type. */
export type AppRouter = typeof appRouter;
