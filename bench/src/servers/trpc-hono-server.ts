import { createAdaptorServer } from "@hono/node-server";
import type { inferRouterContext } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { benchRouter } from "./bench-procedures.ts";
import { runChild } from "./child-protocol.ts";
import { closeServer, listenOnLoopback } from "./listen.ts";

/**
 * The host choice alone: the same router on Hono + tRPC's fetch adapter on
 * @hono/node-server, as Sesame's host, but with none of Sesame's middleware
 * (security headers, CORS, body limit, JSON-only, context, error headers).
 * Between this and Sesame's host is what that middleware costs.
 */
await runChild(async () => {
  const appRouter = benchRouter(() => undefined);
  const app = new Hono();
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: () => ({}) as inferRouterContext<typeof appRouter>,
    }),
  );
  const server = createAdaptorServer({ fetch: app.fetch });
  const url = await listenOnLoopback(server as Parameters<typeof listenOnLoopback>[0]);
  return { url, close: () => closeServer(server as Parameters<typeof closeServer>[0]) };
});
