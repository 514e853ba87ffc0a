import { SignJWT } from "jose";
import type { AuthConfig } from "../auth-config.ts";
import type { KeyRing } from "../keys/key-ring.ts";
import type { TokenKind } from "./token-kinds.ts";

export interface TokenSubject {
  userId: string;
  sessionId: string;
  /** Extra non-secret claims, such as `role`. No personal data: the payload is readable by anyone. */
  extraClaims?: Record<string, string>;
}

/** Signs a token of the given kind with the ring's current key. Times in epoch seconds. */
export function signToken(
  kind: TokenKind,
  ring: KeyRing,
  config: Pick<AuthConfig, "issuer" | "audience">,
  subject: TokenSubject,
  jti: string,
  issuedAt: number,
  expiresAt: number,
): Promise<string> {
  const key = ring.signingKey();
  return new SignJWT({ sid: subject.sessionId, ...subject.extraClaims })
    .setProtectedHeader({ alg: key.alg, typ: kind.typ, kid: key.kid })
    .setIssuer(config.issuer)
    .setAudience(kind.audience(config))
    .setSubject(subject.userId)
    .setJti(jti)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key.key);
}
