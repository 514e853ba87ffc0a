import type { User } from "@sesame/contracts";

/**
 * The part of an `AuthResult` the client keeps: the access token, in memory
 * only, when it expires (epoch seconds, like the JWT `exp`), and whom the
 * session belongs to. The refresh token never reaches script in a browser:
 * it lives in the httpOnly cookie.
 */
export interface AccessGrant {
  accessToken: string;
  accessTokenExpiresAt: number;
  /** As the server last described them; a platform that passes no user leaves it out. */
  user?: User;
}

/**
 * Only the kept members of `result`: an `AuthResult` of the body transport
 * also holds the refresh and device tokens, which must not sit in memory
 * beside the access token nor travel to other tabs.
 */
export function keptGrant(result: AccessGrant): AccessGrant {
  const { accessToken, accessTokenExpiresAt, user } = result;
  return user === undefined
    ? { accessToken, accessTokenExpiresAt }
    : { accessToken, accessTokenExpiresAt, user };
}

/** Whether `value` (an answer, a message from another tab) has the shape of a grant. */
export function isAccessGrant(value: unknown): value is AccessGrant {
  if (typeof value !== "object" || value === null) return false;
  const grant = value as Record<string, unknown>;
  if (typeof grant.accessToken !== "string" || typeof grant.accessTokenExpiresAt !== "number")
    return false;
  const user = grant.user as Record<string, unknown> | null | undefined;
  return user === undefined || (typeof user === "object" && typeof user?.id === "string");
}
