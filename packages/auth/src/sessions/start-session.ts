import type { AuditDetail } from "@sesame/contracts";
import { AuthError } from "@sesame/contracts";
import { toUser } from "../accounts/to-wire.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { toEpochSeconds } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { UserRecord } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";
import type { IssuedTokens } from "./issued-tokens.ts";

/**
 * Every login makes a brand-new session with a fresh id (no session
 * fixation: nothing the client brought is promoted) and its first pair.
 *
 * The session is created only if the credential the caller verified is still
 * the account's (its version unchanged, not disabled), in the same atomic unit
 * as the insert: a password change or a disable that commits while a login
 * with the old password is verifying leaves that login with nothing.
 * A DPoP proof on the request binds the session's refresh tokens to its key.
 */
export async function startSession(
  deps: AuthDeps,
  user: UserRecord,
  meta: RequestMeta,
  how: {
    event: "register" | "login_succeeded" | "sign_in_link_used" | "oauth_sign_in";
    /** How the user proved who they are (RFC 8176 `amr`), carried by every access token of the session. */
    amr: string[];
    /** The key the session's refresh tokens are bound to (`dpopThumbprint`, checked first). */
    dpopJkt: string | null;
    /** The client's device token when it is valid for this account: kept, not replaced. */
    deviceToken?: string;
    /** What the sign-in's audit event says beyond its type (the provider of a federated one). */
    detail?: AuditDetail;
  },
): Promise<IssuedTokens> {
  const { config, clock, ids } = deps;
  const { event, dpopJkt } = how;
  const now = clock.now();
  const sessionId = ids.id();
  const absoluteExpiresAt = now + config.sessionAbsoluteTtl * 1000;
  const idleExpiresAt = Math.min(now + config.sessionIdleTtl * 1000, absoluteExpiresAt);
  const subject = { userId: user.id, sessionId };

  const refreshToken = await deps.refreshTokens.issue(subject, now, idleExpiresAt);
  const created = await deps.storage.sessions.create(
    {
      id: sessionId,
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt,
      absoluteExpiresAt,
      revokedAt: null,
      revokeReason: null,
      userAgent: meta.userAgent,
      ip: meta.ip,
      dpopJkt,
      refreshHash: hashToken(refreshToken),
      parentHash: null,
      rotatedAt: null,
      parentSeal: null,
      rotatedBy: null,
      amr: how.amr,
    },
    { credentialVersion: user.credentialVersion },
    {
      type: event,
      at: now,
      ...subject,
      ip: meta.ip,
      userAgent: meta.userAgent,
      ...(how.detail && { detail: how.detail }),
    },
  );
  if (created === "credential_changed") {
    const current = await deps.storage.users.findById(user.id);
    throw new AuthError(current?.disabledAt == null ? "INVALID_CREDENTIALS" : "ACCOUNT_DISABLED");
  }
  const access = await deps.accessTokens.issue(
    { ...subject, role: user.role, amr: how.amr },
    absoluteExpiresAt,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: toEpochSeconds(idleExpiresAt),
    sessionId,
    user: toUser(user),
    deviceToken: how.deviceToken ?? deps.devices.issue(user.id),
  };
}

/**
 * The request's DPoP key thumbprint, or null without a proof. Checked before
 * anything else a sign-in does, so a refused proof leaves no trace: no
 * account created, no password attempt counted.
 */
export function dpopThumbprint(deps: AuthDeps, meta: RequestMeta): Promise<string | null> {
  return meta.dpop ? deps.dpop.thumbprintOf(meta.dpop) : Promise.resolve(null);
}
