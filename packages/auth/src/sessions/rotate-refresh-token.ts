import { AuthError } from "@sesame/contracts";
import type { VerifiedClaims } from "@sesame/verify/rules";
import { toUser } from "../accounts/to-wire.ts";
import type { AuthDeps } from "../auth-deps.ts";
import { toEpochSeconds } from "../clock.ts";
import type { RequestMeta } from "../request-meta.ts";
import type { SessionRecord, SessionWithUser, UserRecord } from "../storage.ts";
import { hashToken } from "../tokens/token-hash.ts";
import { clientBinding } from "./client-binding.ts";
import type { IssuedTokens } from "./issued-tokens.ts";
import { decideRotation } from "./rotation-decision.ts";

/**
 * Exchanges a refresh token for a new pair (RFC 9700 §4.14.2, rotation with
 * reuse detection). The core reads the session the token was signed for,
 * with its user in the same read, decides (rotation-decision.ts) and acts
 * through storage primitives:
 * - current → a compare-and-set rotation committed with its audit event;
 *   losing the race to a parallel request means the token is now spent, so
 *   the decision is taken again;
 * - grace → the same successor, opened from its seal; only the event is written;
 * - reuse → the session is revoked and audited.
 * A disabled account refreshes nothing: its user is checked before any write.
 * A session bound to a DPoP key refuses any refresh without a fresh proof for
 * that key, grace or not. Idle expiry moves forward with each rotation;
 * absolute expiry never does.
 */
export async function rotateRefreshToken(
  deps: AuthDeps,
  presented: string,
  meta: RequestMeta,
): Promise<IssuedTokens> {
  const { clock, config, storage } = deps;
  const now = clock.now();
  const presentedHash = hashToken(presented);
  const { claims, stored } = await authenticClaims(deps, presented, presentedHash, now);
  const { sid: sessionId, sub: userId } = claims;
  const binding = clientBinding(meta);

  let session = liveSession(stored?.session, userId, now);
  // Read with the session; a later disable also revokes the session, which the rotation's compare-and-set sees.
  const account = stored?.user;
  await assertDpop(deps, session, meta);
  for (let attempt = 0; ; attempt++) {
    const decision = decideRotation(
      session,
      presentedHash,
      now,
      config.refreshReuseGrace * 1000,
      binding,
    );
    if (decision.kind === "rotate") {
      const user = enabled(account);
      const idleExpiresAt = Math.min(now + config.sessionIdleTtl * 1000, session.absoluteExpiresAt);
      // Both tokens are signed at once (on libuv's pool) before the write that makes the successor current.
      const [successor, access] = await Promise.all([
        deps.refreshTokens.issue({ userId, sessionId }, now, idleExpiresAt),
        issueAccessToken(deps, session, user),
      ]);
      const written = await storage.sessions.rotate(
        {
          sessionId,
          presentedHash,
          successorHash: hashToken(successor),
          sealedSuccessor: deps.successorSeal.seal(presented, successor),
          rotatedBy: binding,
          now,
          idleExpiresAt,
          ip: meta.ip,
          userAgent: meta.userAgent,
        },
        deps.audit.entry("refresh", { userId, sessionId }, meta),
      );
      if (written === "rotated") return pairOf(sessionId, user, access, successor, idleExpiresAt);
      // A parallel request rotated it first (or the session ended): read again and decide again.
      if (attempt > 0) throw new AuthError("REFRESH_INVALID");
      session = await findLive(deps, sessionId, userId, now);
      continue;
    }
    if (decision.kind === "grace") {
      const same = deps.successorSeal.open(presented, decision.sealedSuccessor);
      // Sealed under another server secret: not theft, but the same successor cannot be given.
      if (!same) throw new AuthError("REFRESH_INVALID");
      const user = enabled(account);
      const access = await issueAccessToken(deps, session, user);
      await deps.audit.record("refresh", { userId, sessionId }, meta);
      return pairOf(sessionId, user, access, same, decision.successorExpiresAt);
    }
    if (await storage.sessions.revoke(sessionId, userId, "refresh_reused", now)) {
      deps.revoked.add(sessionId, now);
    }
    await deps.audit.record("refresh_reuse_detected", { userId, sessionId }, meta);
    throw new AuthError("REFRESH_REUSED");
  }
}

/**
 * The presented token's claims, once it is known to be ours. The common case
 * is a session's current token: its hash matching the stored one proves it
 * is the token this server signed (refresh-tokens.ts), so the signature check
 * is skipped. Any other token (a parent in the grace window, a spent one, a
 * forgery naming a real session) is verified in full first, so what follows
 * (grace, or revoking the session for reuse) is never decided on a forgery.
 */
async function authenticClaims(
  deps: AuthDeps,
  presented: string,
  presentedHash: string,
  now: number,
): Promise<{ claims: VerifiedClaims; stored: SessionWithUser | undefined }> {
  const peeked = deps.refreshTokens.peek(presented);
  const sessionId = peeked?.sessionId;
  const stored =
    sessionId === undefined ? undefined : await deps.storage.sessions.findWithUser(sessionId);
  if (peeked && stored?.session.refreshHash === presentedHash) {
    const current = deps.refreshTokens.claimsOfStored(peeked, now);
    if (current.ok) return { claims: current.claims, stored };
  }
  const verified = await deps.refreshTokens.verify(presented, now);
  // A refresh token's `exp` is its session's idle/absolute limit, so a well-signed expired one means the session lapsed.
  if (!verified.ok) {
    throw new AuthError(verified.failure === "expired" ? "SESSION_EXPIRED" : "REFRESH_INVALID");
  }
  // The claims are those of the payload whose `sid` was looked up: `stored` is their session.
  return { claims: verified.claims, stored };
}

/** The session the token was signed for; only a live session of its claimed subject goes on. */
async function findLive(
  deps: AuthDeps,
  sessionId: string,
  userId: string,
  now: number,
): Promise<SessionRecord> {
  return liveSession(await deps.storage.sessions.findById(sessionId), userId, now);
}

function liveSession(
  session: SessionRecord | undefined,
  userId: string,
  now: number,
): SessionRecord {
  if (!session || session.userId !== userId) throw new AuthError("REFRESH_INVALID");
  throwIfDead(session, now);
  return session;
}

/** RFC 9449 §5: a refresh token bound to a key is usable only with a fresh proof for that key. */
async function assertDpop(deps: AuthDeps, session: SessionRecord, meta: RequestMeta) {
  if (session.dpopJkt === null) return;
  if (!meta.dpop) throw new AuthError("DPOP_INVALID");
  const thumbprint = await deps.dpop.thumbprintOf(meta.dpop);
  if (thumbprint !== session.dpopJkt) throw new AuthError("DPOP_INVALID");
}

/** A disabled account's sessions refresh no more, even before their revocation lands. */
function enabled(user: UserRecord | undefined): UserRecord {
  if (!user || user.disabledAt !== null) throw new AuthError("SESSION_REVOKED");
  return user;
}

function issueAccessToken(deps: AuthDeps, session: SessionRecord, user: UserRecord) {
  return deps.accessTokens.issue(
    { userId: user.id, sessionId: session.id, role: user.role, amr: session.amr },
    session.absoluteExpiresAt,
  );
}

function pairOf(
  sessionId: string,
  user: UserRecord,
  access: { token: string; expiresAt: number },
  refreshToken: string,
  refreshExpiresAt: number,
): IssuedTokens {
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: toEpochSeconds(refreshExpiresAt),
    sessionId,
    user: toUser(user),
  };
}

function throwIfDead(session: SessionRecord, now: number): void {
  if (session.revokedAt !== null) throw new AuthError("SESSION_REVOKED");
  if (now >= session.absoluteExpiresAt || now >= session.idleExpiresAt) {
    throw new AuthError("SESSION_EXPIRED");
  }
}
