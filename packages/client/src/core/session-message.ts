import { type AccessGrant, isAccessGrant } from "./access-grant.ts";

/**
 * What tabs tell each other. A new grant travels to every tab so that a tab
 * waiting for the refresh lock finds a fresh token and does not spend the
 * (already rotated) refresh cookie again; a sign-out travels so that every tab
 * shows the login page at once.
 */
export type SessionMessage =
  /** `fresh`: a login started a new session (not a refresh of the one every tab shares). */
  { type: "signed-in"; grant: AccessGrant; fresh: boolean } | { type: "signed-out"; code: string };

/** Messages arrive from other scripts of the same origin; only well-formed ones are acted on. */
export function isSessionMessage(value: unknown): value is SessionMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === "signed-out") return typeof message.code === "string";
  if (message.type !== "signed-in" || typeof message.fresh !== "boolean") return false;
  return isAccessGrant(message.grant);
}
