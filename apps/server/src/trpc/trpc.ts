import { AUTH_CODE_TRPC_CODE, type AuthCode, AuthError } from "@sesame/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import { bearerToken } from "./bearer-token.ts";
import type { Context } from "./context.ts";
import { toErrorData } from "./error-data.ts";

const t = initTRPC.context<Context>().create({
  // Plain JSON, no transformer: any HTTP client can call the API.
  errorFormatter: ({ shape, error }) => {
    const data = toErrorData(error);
    return {
      code: shape.code,
      message: data.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        ...data.fields,
      },
    };
  },
});

export const router = t.router;

/**
 * The boundary where auth-core errors become HTTP-shaped errors, once: an
 * `AuthError` turns into the `TRPCError` whose code carries its HTTP status.
 */
const authErrorBoundary = t.middleware(async ({ next }) => {
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

export const publicProcedure = t.procedure.use(authErrorBoundary);

/**
 * Requires a valid access token in `Authorization: Bearer` and narrows the
 * context: handlers get a non-null `user` and `session`, no casts. Only for
 * what an account must reach before it has a second factor (REQUIRE_MFA_FOR_ROLES):
 * everything else is a `protectedProcedure`.
 */
export const enrolmentProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const token = bearerToken(ctx.req.headers.get("authorization"));
  if (!token) throw authFailure("TOKEN_MISSING");
  const claims = await ctx.auth.authenticate(token);
  return next({
    ctx: {
      user: { id: claims.userId, role: claims.role },
      session: { id: claims.sessionId, expiresAt: claims.expiresAt, amr: claims.amr },
    },
  });
});

/**
 * A valid access token, from a session that meets the role's second-factor
 * rule: a role in REQUIRE_MFA_FOR_ROLES needs `mfa` in the token's `amr`,
 * else 403 `MFA_ENROLLMENT_REQUIRED` (enrol, then sign in again with it).
 */
export const protectedProcedure = enrolmentProcedure.use(({ ctx, next }) => {
  const rule = ctx.auth.config.requireMfaForRoles;
  if (rule.includes(ctx.user.role) && !ctx.session.amr.includes("mfa")) {
    throw authFailure("MFA_ENROLLMENT_REQUIRED");
  }
  return next();
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
