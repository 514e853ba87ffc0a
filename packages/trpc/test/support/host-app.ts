import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { initTRPC } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { z } from "zod";
import {
  type ContextOptions,
  createSesame,
  protectedProcedure,
  roleProcedure,
  type Sesame,
  type SesameContext,
  sesameErrorData,
  sesameRouter,
} from "../../src/index.ts";

/** A team's own context: Sesame's key beside the team's own. */
export type HostContext = SesameContext & { requestId: string };

/**
 * A team's own tRPC app, written as the README tells a team to: its own
 * `initTRPC` with superjson and its own error formatter (plus the one line
 * that keeps Sesame's fields), Sesame's router mounted under `auth`, and
 * procedures of its own protected by Sesame's builders.
 */
export function hostRouter() {
  const t = initTRPC.context<HostContext>().create({
    transformer: superjson,
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: { ...shape.data, ...sesameErrorData(error) },
    }),
  });
  const authed = t.procedure.concat(protectedProcedure);
  const admins = t.procedure.concat(roleProcedure("admin"));
  const notes = new Map<string, Array<{ text: string; at: Date }>>();
  return t.router({
    auth: sesameRouter,
    notes: t.router({
      add: authed.input(z.object({ text: z.string().min(1) })).mutation(({ ctx, input }) => {
        const note = { text: input.text, at: new Date(ctx.sesame.auth.now()) };
        notes.set(ctx.user.id, [...(notes.get(ctx.user.id) ?? []), note]);
        return note;
      }),
      list: authed.query(({ ctx }) => notes.get(ctx.user.id) ?? []),
      report: admins.query(() => ({ notes: notes.size })),
    }),
    requestId: t.procedure.query(({ ctx }) => ctx.requestId),
  });
}

export type HostRouter = ReturnType<typeof hostRouter>;

/**
 * How the host serves its router: any fetch-style host, Sesame's node
 * listener (`sesame.nodeListener`, with its fast path), or tRPC's own
 * node:http adapter.
 */
export type HostKind = "fetch" | "node-listener" | "node";

export interface RunningHost {
  url: string;
  sesame: Sesame;
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port, then creates Sesame for that origin on a
 * fresh SQLite file (real migrations) and serves the host's router: through
 * `sesame.http()` on @hono/node-server, or through tRPC's standalone node
 * adapter with the context built from node's request and response.
 */
export async function startHost(
  kind: HostKind,
  createContext: (sesame: Sesame, opts: ContextOptions) => HostContext = (sesame, opts) => ({
    ...sesame.createContext(opts),
    requestId: "host-request",
  }),
): Promise<RunningHost> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-host-"));
  const router = hostRouter();
  let sesame: Sesame | undefined;
  const unready = () => new Response("Starting", { status: 503 });
  let server: Server;
  if (kind === "fetch") {
    // The node bindings (the socket) travel with the request: Sesame reads the client IP from them.
    let fetchHandler:
      | ((request: Request, bindings: unknown) => Response | Promise<Response>)
      | undefined;
    server = createAdaptorServer({
      fetch: (request, bindings) => (fetchHandler ? fetchHandler(request, bindings) : unready()),
    }) as Server;
    await listen(server);
    sesame = await createSesameFor(server, dir);
    const app = sesame.http({
      router,
      createContext: (opts) => createContext(sesame as Sesame, opts),
    });
    fetchHandler = (request, bindings) => app.fetch(request, bindings);
  } else if (kind === "node-listener") {
    let listener: RequestListener | undefined;
    server = createServer((request, response) => {
      if (listener) listener(request, response);
      else response.writeHead(503).end("Starting");
    });
    await listen(server);
    sesame = await createSesameFor(server, dir);
    listener = sesame.nodeListener({
      router,
      createContext: (opts) => createContext(sesame as Sesame, opts),
    });
  } else {
    server = createHTTPServer({
      router,
      basePath: "/trpc/",
      createContext: (opts) => createContext(sesame as Sesame, opts),
    });
    await listen(server);
    sesame = await createSesameFor(server, dir);
  }
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const ready = sesame;
  return {
    url,
    sesame: ready,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await ready.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}

function createSesameFor(server: Server, dir: string): Promise<Sesame> {
  return createSesame({
    publicUrl: `http://localhost:${(server.address() as AddressInfo).port}`,
    database: join(dir, "sesame.db"),
    log: () => {},
  });
}
