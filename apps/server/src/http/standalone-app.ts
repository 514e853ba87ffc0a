import type { Sesame } from "@sesame/trpc";
import type { AnyTRPCRouter } from "@trpc/server";
import type { Hono } from "hono";
import { mountWebApp } from "./web-app.ts";

export interface StandaloneAppOptions<TRouter extends AnyTRPCRouter> {
  sesame: Sesame;
  router: TRouter;
  webDist: string | undefined;
  log: (message: string) => void;
}

/** The standalone server's HTTP app: Sesame's HTTP side, plus a health check and the built web app. */
export function createStandaloneApp<TRouter extends AnyTRPCRouter>(
  options: StandaloneAppOptions<TRouter>,
): Hono {
  const app = options.sesame.http({ router: options.router });
  app.get("/healthz", (c) => c.json({ ok: true }, 200, { "cache-control": "no-store" }));
  if (options.webDist && mountWebApp(app, options.webDist)) {
    options.log(`Serving the web app from ${options.webDist}`);
  }
  return app;
}
