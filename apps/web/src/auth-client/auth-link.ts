import { type Operation, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { authCodeOf, RENEWABLE_CODES, SESSION_ENDED_CODES } from "./auth-codes.ts";
import type { AuthSession } from "./auth-session.ts";

export interface AuthLinkOptions {
  session: AuthSession;
  /** Procedures that need no access token, so they never wait for or trigger a refresh. */
  publicPaths?: Iterable<string>;
}

const DEFAULT_PUBLIC_PATHS = [
  "auth.register",
  "auth.login",
  "auth.refresh",
  "auth.logout",
  // The second step of a sign-in (the code after MFA_REQUIRED): like the first, it has no session yet.
  "auth.verifyMfa",
  // A passkey sign-in, both halves: the challenge is asked for before there is any session to wait for.
  "auth.beginPasskeyLogin",
  "auth.finishPasskeyLogin",
  // What an emailed link's page posts, and the requests for a link: a visitor has no session to wait for.
  "auth.requestPasswordReset",
  "auth.resetPassword",
  "auth.requestSignInLink",
  "auth.signInWithLink",
  "auth.verifyEmail",
  "auth.confirmEmailChange",
];

/**
 * Makes token refresh invisible to callers. Each call carries the current
 * access token in `op.context.accessToken` (the terminating link turns it
 * into a header with `authorizationHeaders`); a call answered with
 * TOKEN_EXPIRED (or INVALID, MISSING) waits for one shared refresh and is
 * retried once; a call that finds the session ended signs every tab out.
 *
 * @example
 * createTRPCClient<AppRouter>({
 *   links: [
 *     authLink({ session }),
 *     httpBatchLink({ url: "/trpc", headers: ({ opList }) => authorizationHeaders(opList) }),
 *   ],
 * });
 */
export function authLink<TRouter extends AnyTRPCRouter>(
  options: AuthLinkOptions,
): TRPCLink<TRouter> {
  const { session } = options;
  const publicPaths = new Set(options.publicPaths ?? DEFAULT_PUBLIC_PATHS);
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const token = session.accessToken;
        if (publicPaths.has(op.path)) {
          return next({ ...op, context: { ...op.context, accessToken: token } }).subscribe(
            observer,
          );
        }
        let subscription: Unsubscribable | undefined;
        let closed = false;
        const fail = (error: unknown) =>
          observer.error(
            TRPCClientError.from(error instanceof Error ? error : new Error(String(error))),
          );

        const attempt = (sent: string | undefined, mayRenew: boolean) => {
          if (closed) return;
          subscription = next({ ...op, context: { ...op.context, accessToken: sent } }).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const code = authCodeOf(error);
              if (mayRenew && code !== undefined && RENEWABLE_CODES.has(code)) {
                session.refresh(sent).then((fresh) => attempt(fresh, false), fail);
                return;
              }
              if (code !== undefined && SESSION_ENDED_CODES.has(code)) session.endSession(code);
              observer.error(error);
            },
          });
        };

        // A tab still restoring its session (or between two tokens) waits for the refresh already under way.
        if (token === undefined && session.getState().status !== "signed-out") {
          session.refresh().then((fresh) => attempt(fresh, true), fail);
        } else attempt(token, true);

        return () => {
          closed = true;
          subscription?.unsubscribe();
        };
      });
}

/** The `Authorization` header for a request carrying `ops` (a batch shares one; the last op's token is the newest). */
export function authorizationHeaders(ops: readonly Operation[]): Record<string, string> {
  const token = ops.findLast((op) => typeof op.context.accessToken === "string")?.context
    .accessToken;
  return typeof token === "string" ? { authorization: `Bearer ${token}` } : {};
}
