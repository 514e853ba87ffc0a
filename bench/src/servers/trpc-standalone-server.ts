import type { inferRouterContext } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { benchRouter } from "./bench-procedures.ts";
import { runChild } from "./child-protocol.ts";
import { closeServer, listenOnLoopback } from "./listen.ts";

/**
 * The same router (Sesame's, with the bench procedures) on tRPC's standalone
 * node:http adapter, at the same `/trpc` path. Only `bench.ping` is called
 * here, and it reads no context, so the context is left empty: this adapter
 * has no fetch `Request` to build Sesame's from.
 */
await runChild(async () => {
  const appRouter = benchRouter(() => undefined);
  const server = createHTTPServer({
    router: appRouter,
    basePath: "/trpc/",
    createContext: () => ({}) as inferRouterContext<typeof appRouter>,
  });
  const url = await listenOnLoopback(server);
  return { url, close: () => closeServer(server) };
});
