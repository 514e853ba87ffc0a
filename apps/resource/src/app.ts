import type { RemoteVerifier } from "@sesame/verify";
import { type SesameVariables, sesameBearer } from "@sesame/verify/hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { NoteStore } from "./note-store.ts";

const newNote = z.object({ text: z.string().trim().min(1).max(1000) });

/**
 * The notes API: each user sees and adds only their own notes, identified by
 * the `sub` of a Sesame access token (`c.get("user").id`).
 *
 * @example
 * const app = createResourceApp(createRemoteVerifier({ issuer, audience: "sesame" }), new NoteStore());
 */
export function createResourceApp(verifier: RemoteVerifier, notes: NoteStore): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true }));

  const api = new Hono<{ Variables: SesameVariables }>();
  api.use("*", sesameBearer(verifier, { realm: "notes" }));
  api.get("/", (c) => {
    const owner = c.get("user").id;
    return c.json({ owner, notes: notes.list(owner) });
  });
  api.post("/", bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const parsed = newNote.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: "INVALID_INPUT" }, 400);
    return c.json(notes.add(c.get("user").id, parsed.data.text), 201);
  });
  app.route("/notes", api);

  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return app;
}
