import { serveStatic } from "@hono/node-server/serve-static";
import type { Sesame } from "@sesame/trpc";
import { Hono } from "hono";
import { appRouter } from "./app-router.ts";
import { appContextFactory } from "./context.ts";
import type { NotesStore } from "./notes-store.ts";

/**
 * Everything on one origin, so Sesame's refresh cookie is first-party:
 * the API at /trpc (the app's router, behind Sesame's protections), Sesame's
 * /.well-known and /auth/oauth routes, and the built page.
 */
export function notesHttpApp(sesame: Sesame, notes: NotesStore, pageDir: string): Hono {
  const app = new Hono();
  app.route(
    "/",
    sesame.http({ router: appRouter, createContext: appContextFactory(sesame, notes) }),
  );
  app.use("*", serveStatic({ root: pageDir }));
  return app;
}
