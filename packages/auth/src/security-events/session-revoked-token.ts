import {
  SECURITY_EVENT_TOKEN_TYPE,
  SESSION_REVOKED_EVENT,
  type SessionRevokedClaims,
  TOKENS_EXPIRE_BY,
} from "@sesame/verify/rules";
import { SignJWT } from "jose";
import type { KeyRing } from "../keys/key-ring.ts";
import type { Revocation } from "../storage.ts";

/**
 * A Security Event Token (RFC 8417) saying one session was revoked: the
 * OpenID CAEP `session-revoked` event, its subject the session id as an
 * RFC 9493 opaque identifier (the `sid` of that session's access tokens),
 * signed with the key that signs access tokens now (so the same JWKS
 * verifies it), `typ: secevent+jwt` so it can pass for no other token.
 * `toe` (and CAEP's `event_timestamp`) is when the session was revoked;
 * Sesame's `sesame_tokens_expire_by` when its last access token expires.
 * Times in epoch ms.
 */
export function signSessionRevoked(
  ring: KeyRing,
  event: {
    issuer: string;
    receiverId: string;
    jti: string;
    revocation: Revocation;
    tokensExpireBy: number;
    issuedAt: number;
  },
): Promise<string> {
  const key = ring.signingKey();
  const toe = Math.floor(event.revocation.revokedAt / 1000);
  const claims: SessionRevokedClaims = {
    iss: event.issuer,
    aud: event.receiverId,
    jti: event.jti,
    iat: Math.floor(event.issuedAt / 1000),
    toe,
    sub_id: { format: "opaque", id: event.revocation.sessionId },
    events: {
      [SESSION_REVOKED_EVENT]: {
        event_timestamp: toe,
        [TOKENS_EXPIRE_BY]: Math.ceil(event.tokensExpireBy / 1000),
      },
    },
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, typ: SECURITY_EVENT_TOKEN_TYPE, kid: key.kid })
    .sign(key.key);
}
