import { existsSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";

/**
 * Serves the built web app from the API's own origin, so the refresh cookie
 * is first-party and `SameSite=Strict` holds. Hashed assets are cached for a
 * year; every other path gets `index.html` for the SPA's client-side routes.
 */
export function mountWebApp(app: Hono, distDir: string): boolean {
  if (!existsSync(join(distDir, "index.html"))) return false;
  app.use(
    "/assets/*",
    serveStatic({
      root: distDir,
      onFound: (_path, c) => {
        c.header("cache-control", "public, max-age=31536000, immutable");
      },
    }),
  );
  app.use("*", serveStatic({ root: distDir }));
  app.get("*", serveStatic({ root: distDir, path: "index.html" }));
  return true;
}
