import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** A client's DPoP key (RFC 9449) and the proofs it signs, as a native app would make them. */
export async function dpopClient() {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jwk,
    privateJwk: await exportJWK(privateKey),
    /** A fresh proof for `POST <origin>/trpc/<path>`; `claims` and `header` override the defaults. */
    proof(
      origin: string,
      path: string,
      options: { claims?: Record<string, unknown>; header?: { jwk?: JWK; typ?: string } } = {},
    ): Promise<string> {
      return new SignJWT({
        jti: randomBytes(16).toString("base64url"),
        htm: "POST",
        htu: `${origin}/trpc/${path}`,
        iat: Math.floor(Date.now() / 1000),
        ...options.claims,
      })
        .setProtectedHeader({ typ: "dpop+jwt", alg: "ES256", jwk, ...options.header })
        .sign(privateKey);
    },
  };
}
