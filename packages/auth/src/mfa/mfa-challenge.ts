import { AuthError } from "@sesame/contracts";
import type { AuthDeps } from "../auth-deps.ts";
import type { UserRecord } from "../storage.ts";

/** The second factors `auth.verifyMfa` accepts today. */
export const MFA_METHODS = ["totp", "recovery_code"];

/**
 * After a first factor passed (`amr`, e.g. `["pwd"]`): an account with a
 * confirmed second factor gets no session yet, but `MFA_REQUIRED` with a
 * single-use ticket for `auth.verifyMfa`. An account without one goes on.
 */
export async function requireSecondFactorIfEnrolled(
  deps: AuthDeps,
  user: UserRecord,
  amr: string[],
): Promise<void> {
  const factor = await deps.storage.secondFactors.findTotp(user.id);
  if (factor?.confirmedAt == null) return;
  const mfaToken = await deps.mfaTickets.issue(user, amr);
  throw new AuthError("MFA_REQUIRED", { mfaToken, methods: MFA_METHODS });
}
