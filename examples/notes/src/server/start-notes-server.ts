import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { createSesame, type Sesame, type SesameOptions } from "@sesame/trpc";
import { notesHttpApp } from "./http-app.ts";
import { NotesStore } from "./notes-store.ts";

/** Where `vite build` puts the page. */
const BUILT_PAGE = fileURLToPath(new URL("../../dist", import.meta.url));

export interface NotesServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The interface to listen on. */
  host?: string;
  /** The origin users reach the app at: the issuer of Sesame's tokens. By default http://localhost:<port>. */
  publicUrl?: string;
  /** Sesame's database: a SQLite file, or a postgres:// URL. */
  database: string;
  /** Any other Sesame option: a token lifetime, allowed origins, mail, a test's clock… */
  sesame?: Omit<SesameOptions, "publicUrl" | "database">;
}

export interface NotesServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  sesame: Sesame;
  close(): Promise<void>;
}

/**
 * Listens, then creates Sesame for this origin and serves the app. Listening
 * first lets port 0 have its number before Sesame needs its public URL;
 * the few requests that could arrive in between are answered 503.
 */
export async function startNotesServer(options: NotesServerOptions): Promise<NotesServer> {
  let handle: ((request: Request, bindings: HttpBindings) => Promise<Response>) | undefined;
  const server = createAdaptorServer({
    // The bindings carry the socket: Sesame reads the client's address there for its rate limits.
    fetch: (request, bindings) =>
      handle?.(request, bindings as HttpBindings) ?? new Response("Starting", { status: 503 }),
  }) as Server;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const sesame = await createSesame({
    ...options.sesame,
    publicUrl: options.publicUrl ?? `http://localhost:${port}`,
    database: options.database,
  });
  const app = notesHttpApp(sesame, new NotesStore(), BUILT_PAGE);
  handle = async (request, bindings) => app.fetch(request, bindings);

  return {
    url: `http://${host}:${port}`,
    sesame,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sesame.close();
    },
  };
}
