import { type Operation, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { authCodeOf } from "../core/auth-codes.ts";
import { createDpopProof } from "../core/dpop-proof.ts";
import { proofProcedures, type SesameProcedures, sesameProcedures } from "../core/procedures.ts";
import { ServerClock } from "../core/server-clock.ts";

export interface DpopLinkOptions {
  /** The key pair to prove with; undefined where there is none, and calls then go without a proof. */
  keys: () => Promise<CryptoKeyPair | undefined>;
  /** The API's absolute URL (`https://sesame.example/trpc`): a proof names `${url}/${path}`. */
  url: string;
  /** Dates the proofs; feed it the answers' `Date` headers so a wrong device clock is corrected. */
  clock?: ServerClock;
  /** Where Sesame's procedures are in the host's router; `sesameProcedures()` by default. */
  procedures?: SesameProcedures;
}

/**
 * Sender-constrains the session's refresh tokens (RFC 9449): a sign-in that
 * carries a proof binds the session to this client's key, and each refresh
 * proves it holds that key. The proof rides in `op.context.dpop`; the
 * terminating link sends it with `dpopHeaders`, one call per request, since
 * a proof names one procedure (so route these paths to an unbatched link).
 *
 * @example
 * createTRPCClient<AppRouter>({
 *   links: [
 *     dpopLink({ keys: dpopKeys(indexedDbKeyStore()), url: `${location.origin}/trpc`, clock }),
 *     httpLink({ url: "/trpc", headers: ({ op }) => dpopHeaders(op) }),
 *   ],
 * });
 */
export function dpopLink<TRouter extends AnyTRPCRouter>(
  options: DpopLinkOptions,
): TRPCLink<TRouter> {
  const clock = options.clock ?? new ServerClock();
  // Those that bind a session to the key, and the refresh that must show it.
  const paths = new Set(proofProcedures(options.procedures ?? sesameProcedures()));
  /** A proof for `op`, and the clock correction it was dated with; none without a key. */
  const prove = async (op: Operation) => {
    const keys = await options.keys();
    if (!keys) return undefined;
    const offsetMs = clock.offsetMs;
    const proof = await createDpopProof(keys, {
      htm: op.type === "query" ? "GET" : "POST",
      htu: `${options.url}/${op.path}`,
      iat: Math.floor(clock.now() / 1000),
    });
    return { proof, offsetMs };
  };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        if (!paths.has(op.path)) return next(op).subscribe(observer);
        let subscription: Unsubscribable | undefined;
        let closed = false;

        const attempt = (retried: boolean) => {
          prove(op)
            // A key that cannot sign (it was deleted under us) is no key: the call goes without a proof.
            .catch(() => undefined)
            .then((proved) => {
              if (closed) return;
              const context = { ...op.context, dpop: proved?.proof };
              subscription = next({ ...op, context }).subscribe({
                next: (envelope) => observer.next(envelope),
                complete: () => observer.complete(),
                error: (error) => {
                  // Refused while this answer's `Date` corrected the clock: the proof was dated
                  // wrongly, not forged, and one more in the server's time will do. The server
                  // refuses a proof before it spends anything (the refresh token, a second
                  // factor's code or its sign-in ticket), so asking again is safe.
                  const clockMoved = proved !== undefined && clock.offsetMs !== proved.offsetMs;
                  if (!retried && clockMoved && authCodeOf(error) === "DPOP_INVALID") {
                    attempt(true);
                  } else observer.error(error);
                },
              });
            })
            .catch((error: unknown) =>
              observer.error(
                TRPCClientError.from(error instanceof Error ? error : new Error(String(error))),
              ),
            );
        };
        attempt(false);

        return () => {
          closed = true;
          subscription?.unsubscribe();
        };
      });
}

/** The `DPoP` header (RFC 9449 §4.1) for a request carrying `op`, if `dpopLink` gave it a proof. */
export function dpopHeaders(op: Operation): Record<string, string> {
  const proof = op.context.dpop;
  return typeof proof === "string" ? { DPoP: proof } : {};
}
