import { AuthError, checkPasswordLength } from "@sesame/contracts";
import type { AuthDeps } from "../auth-deps.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { UserRecord } from "../storage.ts";
import type { AttemptSubject } from "../throttle/login-throttle.ts";

/** A password check under the login throttle; a refusal by the throttle itself is audited. */
export async function throttledCheck<T extends { passed: boolean }>(
  deps: AuthDeps,
  subject: AttemptSubject,
  userId: string | null,
  meta: RequestMeta,
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await deps.throttle.guard(subject, meta.ip, check);
  } catch (error) {
    if (error instanceof AuthError && error.code === "RATE_LIMITED") {
      // Filed under the account when it exists, so its owner sees that someone is trying.
      await deps.audit.record("login_throttled", { userId }, meta);
    }
    throw error;
  }
}

/**
 * An over-long password is refused without hashing it; it cannot be anyone's
 * password. No account, or an account with no password (made by signing in
 * with a provider), takes the same time as a wrong password and fails.
 */
export async function checkPassword(
  deps: AuthDeps,
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (checkPasswordLength(password) === "too_long") return false;
  if (passwordHash == null) return deps.hasher.verifyDummy(password);
  return deps.hasher.verify(passwordHash, password);
}

/**
 * The signed-in user's current password, asked again before a sensitive
 * change (a new password, a new address): throttled on the calling session,
 * so a stolen access token cannot be used to guess it, and anonymous
 * failures against the account never block its signed-in owner.
 */
export async function verifyCurrentPassword(
  deps: AuthDeps,
  userId: string,
  sessionId: string,
  password: string,
  meta: RequestMeta,
): Promise<UserRecord> {
  const user = await deps.storage.users.findById(userId);
  if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
  const { passed } = await throttledCheck(
    deps,
    { kind: "session", sessionId },
    userId,
    meta,
    async () => ({ passed: await checkPassword(deps, user.passwordHash, password) }),
  );
  if (!passed) throw new AuthError("INVALID_CREDENTIALS");
  return user;
}
