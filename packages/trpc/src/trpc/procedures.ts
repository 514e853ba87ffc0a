import { AUTH_CODE_TRPC_CODE, type AuthCode, AuthError } from "@sesame/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import { bearerToken } from "./bearer-token.ts";
import type { SesameContext } from "./context.ts";

/**
 * Sesame's own tRPC instance, with tRPC's defaults: no transformer and no
 * error formatter. Its procedures therefore take on the host's: a host
 * nests Sesame's router in its own (`t.router({ auth: sesameRouter, … })`)
 * and concatenates Sesame's builders onto its procedures
 * (`t.procedure.concat(protectedProcedure)`), and its transformer (superjson
 * included) and its error formatter apply to both. The only thing Sesame
 * needs from the host's context is the `sesame` key.
 */
const t = initTRPC.context<SesameContext>().create();

export const router = t.router;

/**
 * The first step of every Sesame procedure, one middleware (each level of
 * tRPC's middleware chain costs a merge of its options on every call):
 * - fails loudly, once, when a host forgot to spread
 *   `sesame.createContext(opts)` into its context;
 * - is the boundary where auth-core errors become HTTP-shaped errors, once:
 *   an `AuthError` turns into the `TRPCError` whose code carries its HTTP status.
 */
const sesameBoundary = t.middleware(async ({ ctx, next }) => {
  if (!ctx?.sesame) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message:
        "Sesame's context is missing: return { ...sesame.createContext(opts), … } from your createContext.",
    });
  }
  const result = await next();
  if (!result.ok && result.error.cause instanceof AuthError) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({
    code: AUTH_CODE_TRPC_CODE[error.code],
    message: error.message,
    cause: error,
  });
}

export function authFailure(code: AuthCode, details?: AuthError["details"]): TRPCError {
  return toTRPCError(new AuthError(code, details));
}

/** No token needed; an `AuthError` thrown inside answers with its `authCode`. */
export const publicProcedure = t.procedure.use(sesameBoundary);

/** The caller's user and session, from a valid access token in `Authorization: Bearer`. */
async function authenticatedContext(sesame: SesameContext["sesame"]) {
  const token = bearerToken(sesame.req.headers.get("authorization"));
  if (!token) throw authFailure("TOKEN_MISSING");
  const claims = await sesame.auth.authenticate(token);
  return {
    user: { id: claims.userId, role: claims.role },
    session: { id: claims.sessionId, expiresAt: claims.expiresAt, amr: claims.amr },
  };
}

/**
 * Requires a valid access token in `Authorization: Bearer` and narrows the
 * context: handlers get a non-null `user` and `session`, no casts. Only for
 * what an account must reach before it has a second factor (requireMfaForRoles):
 * everything else is a `protectedProcedure`.
 */
export const enrolmentProcedure = publicProcedure.use(async ({ ctx, next }) =>
  next({ ctx: await authenticatedContext(ctx.sesame) }),
);

/**
 * A valid access token, from a session that meets the role's second-factor
 * rule: a role in requireMfaForRoles needs `mfa` in the token's `amr`,
 * else 403 `MFA_ENROLLMENT_REQUIRED` (enrol, then sign in again with it).
 * One middleware with the token check (not one more after it), since every
 * protected call pays for each level.
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const authenticated = await authenticatedContext(ctx.sesame);
  const rule = ctx.sesame.auth.config.requireMfaForRoles;
  if (rule.includes(authenticated.user.role) && !authenticated.session.amr.includes("mfa")) {
    throw authFailure("MFA_ENROLLMENT_REQUIRED");
  }
  return next({ ctx: authenticated });
});

/**
 * A protected procedure that also needs a session signed in with a second
 * factor (`mfa` in the access token's `amr`): for a team's own sensitive
 * procedures. Anyone else gets 403 `STEP_UP_REQUIRED`: sign in again, with
 * the second factor, and retry.
 */
export const mfaProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.session.amr.includes("mfa")) throw authFailure("STEP_UP_REQUIRED");
  return next();
});

/**
 * A protected procedure for accounts with one of `roles` (the access token's
 * `role` claim); anyone else gets 403 `FORBIDDEN`.
 */
export function roleProcedure(...roles: [string, ...string[]]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.user.role)) throw authFailure("FORBIDDEN");
    return next();
  });
}
