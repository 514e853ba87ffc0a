import { createSesameClient } from "@sesame/client/trpc";
import { createTRPCClient } from "@trpc/client";
import superjson from "superjson";
// A type only: nothing of the server reaches the browser bundle.
import type { AppRouter } from "../server/app-router.ts";

/**
 * The session: the access token in memory, the refresh token in Sesame's
 * httpOnly cookie, refreshed before it expires and after a TOKEN_EXPIRED,
 * once for every tab.
 */
export const sesame = createSesameClient({
  url: "/trpc",
  // Where our router mounts Sesame's: the client calls `auth.auth.refresh`, `auth.auth.logout`, …
  prefix: "auth",
  // Our initTRPC's transformer; Sesame's procedures answer through it too.
  transformer: superjson,
});

/** The app's typed client: every call carries the token, and is retried once after a refresh. */
export const api = createTRPCClient<AppRouter>({ links: sesame.links() });
