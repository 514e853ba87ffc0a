import { authCodeOf, localStorageHint } from "@sesame/client";
import { createSesameClient } from "@sesame/client/trpc";
import type { AppRouter } from "@sesame/trpc";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";

/**
 * Whether this browser may hold a session, so a visitor without one costs no
 * request at start. Also set before a sign-in with a provider: that one
 * ends on a page load with only the refresh cookie, for the start's restore.
 */
export const sessionHint = localStorageHint("sesame-may-be-signed-in");

/**
 * Everything that talks to the server, built once at start: the session (the
 * access token lives only here, in memory), the tRPC client whose calls it
 * keeps authorized, and the query cache, emptied on every sign-out (and
 * reset when another tab logs in anew) so one user's data never shows to the next.
 */
export function createApi() {
  // Sesame's router is this server's root, so the default paths; a DPoP key in IndexedDB.
  const { session, links } = createSesameClient({ url: "/trpc", session: { hint: sessionHint } });
  const trpcClient = createTRPCClient<AppRouter>({ links: links() });
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // An answer with an authCode is final; only a network failure is worth one more try.
        retry: (failures, error) => failures < 1 && authCodeOf(error) === undefined,
        staleTime: 15_000,
      },
      mutations: { retry: false },
    },
  });
  let shown = session.getState();
  session.subscribe(() => {
    const next = session.getState();
    if (next.status === "signed-out") queryClient.clear();
    // A login in another tab replaced the session this tab shows: nothing cached may outlive it.
    else if (
      next.status === "signed-in" &&
      shown.status === "signed-in" &&
      next.generation !== shown.generation
    )
      void queryClient.resetQueries();
    shown = next;
  });
  return { session, trpcClient, queryClient };
}

export type Api = ReturnType<typeof createApi>;
