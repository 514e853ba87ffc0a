import { initTRPC, TRPCError } from "@trpc/server";
import { bearerToken } from "../bearer-token.ts";
import { RemoteKeysError } from "../remote/remote-keys-error.ts";
import type { RemoteVerifier } from "../remote/remote-verifier.ts";
import { isTokenError, TokenError } from "../token-error.ts";
import type { VerifiedAccessClaims } from "../tokens/verify-access-token.ts";
import { identityOf } from "../verified-identity.ts";

/** Headers as tRPC's fetch adapter (`Headers`) or its node:http adapter (an object) hands them over. */
type RequestHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * What the procedure needs from the host's context: the request, as `req`,
 * which is what tRPC's adapters pass to `createContext` (`({ req }) => ({ req, … })`).
 */
export interface BearerContext {
  req: { headers: RequestHeaders };
}

/**
 * A tRPC instance of its own, with tRPC's defaults: the procedure takes on
 * the host's transformer and error formatter when concatenated onto the
 * host's `t.procedure`.
 */
const t = initTRPC.context<BearerContext>().create();

/**
 * A procedure builder for a team's own tRPC service: it reads
 * `Authorization: Bearer`, verifies the token with the remote verifier (and
 * the revocation feed it follows), and narrows the context — handlers get a
 * non-null `ctx.user` (`{ id, role }`) and `ctx.session` (`{ id, expiresAt,
 * amr }`), the shapes of Sesame's own `protectedProcedure`. A refusal is a
 * `TRPCError` caused by a `TokenError`: UNAUTHORIZED with `TOKEN_MISSING`,
 * `TOKEN_INVALID`, `TOKEN_EXPIRED` or `SESSION_REVOKED`; SERVICE_UNAVAILABLE
 * (`UNAVAILABLE`) while Sesame's keys cannot be fetched. `tokenErrorData`
 * puts the code into the host's error shape as `data.authCode`, as Sesame does.
 *
 * @example
 * const t = initTRPC.context<{ req: Request }>().create({
 *   errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, ...tokenErrorData(error) } }),
 * });
 * const authed = t.procedure.concat(verifiedProcedure(verifier));
 * const router = t.router({ me: authed.query(({ ctx }) => ctx.user) });
 */
export function verifiedProcedure(verifier: RemoteVerifier) {
  return t.procedure.use(async ({ ctx, next }) => {
    const token = bearerToken(authorizationOf(ctx.req.headers));
    if (!token) throw refusal(new TokenError("TOKEN_MISSING"));
    let claims: VerifiedAccessClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      if (isTokenError(error)) throw refusal(error);
      if (error instanceof RemoteKeysError) {
        throw new TRPCError({
          code: "SERVICE_UNAVAILABLE",
          message: "Sesame's keys cannot be fetched right now. Try again in a moment.",
          cause: error,
        });
      }
      throw error;
    }
    return next({ ctx: identityOf(claims) });
  });
}

function refusal(error: TokenError): TRPCError {
  return new TRPCError({ code: "UNAUTHORIZED", message: error.message, cause: error });
}

function authorizationOf(headers: RequestHeaders): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get("authorization") ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>).authorization;
  return Array.isArray(value) ? undefined : value;
}
