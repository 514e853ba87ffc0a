import type { AppRouter } from "@sesame/server";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from "@trpc/client";
import {
  broadcastChannel,
  indexedDbKeyStore,
  localStorageHint,
  webLocks,
} from "../auth-client/browser-primitives.ts";
import {
  AuthSession,
  authCodeOf,
  authLink,
  authorizationHeaders,
  dpopHeaders,
  dpopKeys,
  dpopLink,
  ServerClock,
} from "../auth-client/index.ts";

const API_URL = "/trpc";

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
  // One key and one clock for both clients: the key that signs in is the key that refreshes.
  const clock = new ServerClock();
  const dpop = dpopLink<AppRouter>({
    keys: dpopKeys(indexedDbKeyStore("sesame-dpop")),
    url: new URL(API_URL, globalThis.location.origin).href,
    clock,
  });
  // Every answer's Date header corrects the clock the proofs are dated by.
  const fetchObservingClock = async (input: RequestInfo | URL, init?: object) => {
    const response = await globalThis.fetch(input, init as RequestInit);
    clock.observe(response.headers.get("date"));
    return response;
  };
  // Refresh and logout skip `authLink`: they run holding the refresh lock, which the link may wait for.
  const tokenClient = createTRPCClient<AppRouter>({
    links: [
      dpop,
      httpLink({
        url: API_URL,
        fetch: fetchObservingClock,
        headers: ({ op }) => ({
          ...(session.accessToken ? { authorization: `Bearer ${session.accessToken}` } : {}),
          ...dpopHeaders(op),
        }),
      }),
    ],
  });
  const session: AuthSession = new AuthSession({
    refresh: () => tokenClient.auth.refresh.mutate(),
    logout: () => tokenClient.auth.logout.mutate(),
    lock: webLocks(),
    channel: broadcastChannel("sesame-session"),
    hint: sessionHint,
  });
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      authLink({ session }),
      dpop,
      // A proof names one procedure, so the calls that carry one (the sign-ins) go alone.
      splitLink({
        condition: (op) => typeof op.context.dpop === "string",
        true: httpLink({
          url: API_URL,
          fetch: fetchObservingClock,
          headers: ({ op }) => ({ ...authorizationHeaders([op]), ...dpopHeaders(op) }),
        }),
        false: httpBatchLink({
          url: API_URL,
          fetch: fetchObservingClock,
          headers: ({ opList }) => authorizationHeaders(opList),
          // The server refuses batches of more than 16 calls.
          maxItems: 16,
        }),
      }),
    ],
  });
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
    else if (next.status === "signed-in" && shown.status === "signed-in")
      void queryClient.resetQueries();
    shown = next;
  });
  return { session, trpcClient, queryClient };
}

export type Api = ReturnType<typeof createApi>;
