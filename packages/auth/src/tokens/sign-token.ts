import { sign } from "node:crypto";
import type { TokenKind } from "@sesame/verify/rules";
import { SignJWT } from "jose";
import type { AuthConfig } from "../auth-config.ts";
import type { KeyRing } from "../keys/key-ring.ts";

export interface TokenSubject {
  userId: string;
  sessionId: string;
  /** Extra non-secret claims, such as `role`. No personal data: the payload is readable by anyone. */
  extraClaims?: Record<string, string | string[]>;
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
  const header = { alg: key.alg, typ: kind.typ, kid: key.kid };
  const claims = {
    sid: subject.sessionId,
    ...subject.extraClaims,
    iss: config.issuer,
    aud: kind.audience(config),
    sub: subject.userId,
    jti,
    iat: issuedAt,
    exp: expiresAt,
  };
  if (key.alg === "EdDSA") {
    // Ed25519 is deterministic: node:crypto yields the same bytes jose would.
    // Given a callback, `sign` runs on libuv's pool, so the event loop spends
    // about 6 µs a token instead of 40 (sync) or jose's WebCrypto round trip
    // (docs/benchmarks.md, item 6). Verification stays with jose.
    const input = `${encode(header)}.${encode(claims)}`;
    return new Promise((resolve, reject) =>
      sign(null, Buffer.from(input), key.key, (error, signature) =>
        error ? reject(error) : resolve(`${input}.${signature.toString("base64url")}`),
      ),
    );
  }
  return new SignJWT(claims).setProtectedHeader(header).sign(key.key);
}

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
