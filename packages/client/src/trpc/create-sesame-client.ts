import {
  createTRPCUntypedClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCLink,
} from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { isAccessGrant } from "../core/access-grant.ts";
import { AuthSession, type AuthSessionOptions } from "../core/auth-session.ts";
import {
  broadcastChannel,
  indexedDbKeyStore,
  localStorageHint,
  webLocks,
} from "../core/browser-primitives.ts";
import { dpopKeys } from "../core/dpop-keys.ts";
import type { KeyPairStore } from "../core/primitives.ts";
import {
  type ProcedureOptions,
  type SesameProcedures,
  sesameProcedures,
} from "../core/procedures.ts";
import { ServerClock } from "../core/server-clock.ts";
import { type AuthLinkOptions, authLink, authorizationHeaders } from "./auth-link.ts";
import { dpopHeaders, dpopLink } from "./dpop-link.ts";

/** `fetch` as the global one is; tRPC's links take it as it is. */
export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** One half of a transformer: superjson itself is both. */
interface TransformerHalf {
  serialize(value: unknown): unknown;
  deserialize(value: unknown): unknown;
}

/** What the host's `initTRPC.create({ transformer })` was given: the same goes here. */
export type Transformer = TransformerHalf | { input: TransformerHalf; output: TransformerHalf };

export interface SesameClientOptions extends ProcedureOptions {
  /** The host's tRPC endpoint: absolute, or a path on this page's origin (`"/trpc"`). */
  url: string | URL;
  /**
   * The host router's transformer, if it has one (superjson…). Sesame's
   * procedures answer through the router they are mounted in, so the
   * refresh and the logout use it too.
   */
  transformer?: Transformer;
  /** The `fetch` to send with; the global one by default. */
  fetch?: Fetch;
  /**
   * Where the DPoP key pair is kept (RFC 9449), so a stolen refresh cookie
   * is useless without it; IndexedDB (`sesame-dpop`) by default. `false`
   * for bearer sessions.
   */
  dpop?: KeyPairStore | false;
  /** The server refuses larger batches. */
  maxBatchItems?: number;
  /**
   * The platform pieces of the session, each defaulting to the browser's:
   * Web Locks, the BroadcastChannel `sesame-session`, and the hint
   * `sesame-may-be-signed-in` in localStorage.
   */
  session?: Omit<AuthSessionOptions, "refresh" | "logout">;
  /** The host's own procedures that need no access token (see `AuthLinkOptions.publicPaths`). */
  publicPaths?: AuthLinkOptions["publicPaths"];
}

export interface SesameClient {
  /** The session: the access token in memory, its refresh, sign-in and sign-out in every tab. */
  readonly session: AuthSession;
  /** The paths this client calls, as the host's router names them. */
  readonly procedures: SesameProcedures;
  /** `fetch`, learning the server's time from every answer: for a terminating link of your own. */
  readonly fetch: Fetch;
  /** The link that keeps calls authorized (see `authLink`), for a chain of your own. */
  authLink<TRouter extends AnyTRPCRouter>(): TRPCLink<TRouter>;
  /** The link that proves this browser's key (see `dpopLink`), for a chain of your own. */
  dpopLink<TRouter extends AnyTRPCRouter>(): TRPCLink<TRouter>;
  /**
   * The whole chain for `createTRPCClient`: `authLink`, `dpopLink`, then
   * HTTP, batched except for the calls that carry a proof (a proof names
   * one procedure, so they go alone).
   */
  links<TRouter extends AnyTRPCRouter>(): TRPCLink<TRouter>[];
}

/**
 * A Sesame session for a browser app over tRPC, with the calls it makes
 * itself (the refresh and the logout, by the configured paths, through
 * tRPC and the host's transformer) and the links that keep the app's own
 * calls authorized.
 *
 * @example
 * const sesame = createSesameClient({ url: "/trpc", prefix: "sesame", transformer: superjson });
 * const api = createTRPCClient<AppRouter>({ links: sesame.links() });
 * await sesame.session.restore();
 */
export function createSesameClient(options: SesameClientOptions): SesameClient {
  const url = absoluteUrl(options.url);
  const procedures = sesameProcedures(options);
  const clock = new ServerClock();
  const baseFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // Every answer's Date header corrects the clock the proofs are dated by.
  const observingFetch: Fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    clock.observe(response.headers.get("date"));
    return response;
  };
  const keys =
    options.dpop === false
      ? async () => undefined
      : dpopKeys(options.dpop ?? indexedDbKeyStore("sesame-dpop"));
  // One key and one clock for every chain: the key that signs in is the key that refreshes.
  const proving = <TRouter extends AnyTRPCRouter>() =>
    dpopLink<TRouter>({ keys, url, clock, procedures });
  const http = { url, fetch: observingFetch, ...transformerOption(options.transformer) };

  // The refresh and the logout skip `authLink`: they run holding the refresh lock, which the link may wait for.
  const tokenCalls = createTRPCUntypedClient({
    links: [
      proving(),
      httpLink({
        ...http,
        // The access token, when there is one, names the session a logout ends.
        headers: ({ op }) => ({ ...bearer(session.accessToken), ...dpopHeaders(op) }),
      }),
    ],
  });
  const platform = options.session ?? {};
  const session: AuthSession = new AuthSession({
    ...platform,
    lock: platform.lock ?? webLocks(),
    channel: platform.channel ?? broadcastChannel("sesame-session"),
    hint: platform.hint ?? localStorageHint("sesame-may-be-signed-in"),
    refresh: async () => {
      const result = await tokenCalls.mutation(procedures.refresh, NO_TOKEN_IN_BODY);
      if (!isAccessGrant(result)) {
        throw new TypeError(`${procedures.refresh} answered no access token: is this its path?`);
      }
      return result;
    },
    logout: () => tokenCalls.mutation(procedures.logout, NO_TOKEN_IN_BODY),
  });

  const sending = splitLink<AnyTRPCRouter>({
    condition: (op) => typeof op.context.dpop === "string",
    true: httpLink({
      ...http,
      headers: ({ op }) => ({ ...authorizationHeaders([op]), ...dpopHeaders(op) }),
    }),
    false: httpBatchLink({
      ...http,
      headers: ({ opList }) => authorizationHeaders(opList),
      maxItems: options.maxBatchItems ?? 16,
    }),
  });
  const authorizing = <TRouter extends AnyTRPCRouter>() =>
    authLink<TRouter>({ session, procedures, publicPaths: options.publicPaths });
  return {
    session,
    procedures,
    fetch: observingFetch,
    authLink: authorizing,
    dpopLink: proving,
    links: <TRouter extends AnyTRPCRouter>() => [
      authorizing<TRouter>(),
      proving<TRouter>(),
      // The HTTP links are typed for any router: see `transformerOption`.
      sending as TRPCLink<TRouter>,
    ],
  };
}

/**
 * The refresh and logout input of a browser: the refresh token is the
 * cookie's. Sent as `{}`, not left out: an unbatched mutation without input
 * goes with no body at all, which tRPC's node adapter (11.22) refuses as
 * invalid JSON.
 */
const NO_TOKEN_IN_BODY = {};

/** A proof names the absolute URL it is sent to, so a path is resolved against this page. */
function absoluteUrl(url: string | URL): string {
  const base = globalThis.location?.href;
  try {
    return new URL(url, base).href.replace(/\/$/, "");
  } catch {
    throw new TypeError(`Sesame needs an absolute URL outside a page; got ${String(url)}.`);
  }
}

function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * tRPC types a link's `transformer` by the router it serves, which a
 * library serving any router cannot name; at run time it takes what
 * `initTRPC` took.
 */
function transformerOption(transformer: Transformer | undefined): object {
  return transformer ? { transformer } : {};
}
