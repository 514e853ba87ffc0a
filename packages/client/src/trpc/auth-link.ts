import { type Operation, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { authCodeOf, RENEWABLE_CODES, SESSION_ENDED_CODES } from "../core/auth-codes.ts";
import type { AuthSession } from "../core/auth-session.ts";
import { publicProcedures, type SesameProcedures, sesameProcedures } from "../core/procedures.ts";

export interface AuthLinkOptions {
  session: AuthSession;
  /** Where Sesame's procedures are in the host's router; `sesameProcedures()` by default. */
  procedures?: SesameProcedures;
  /**
   * The host's own procedures that need no access token either: like
   * Sesame's sign-ins, they go at once instead of waiting for the refresh
   * under way, and a refusal is not a reason to refresh.
   */
  publicPaths?: Iterable<string>;
}

/**
 * Makes token refresh invisible to callers. Each call carries the current
 * access token in `op.context.accessToken` (the terminating link turns it
 * into a header with `authorizationHeaders`); a call answered with
 * TOKEN_EXPIRED (or INVALID, MISSING) waits for one shared refresh and is
 * retried once; a call that finds the session ended signs every tab out.
 * It reads only `TRPCClientError.data.authCode`, which the host's
 * transformer (superjson or none) has already decoded.
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
  const publicPaths = new Set([
    ...publicProcedures(options.procedures ?? sesameProcedures()),
    ...(options.publicPaths ?? []),
  ]);
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
