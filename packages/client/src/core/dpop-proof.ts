/**
 * A DPoP proof (RFC 9449 §4.2): a JWS, signed with the client's own key, that
 * this request — method `htm` to URL `htu`, at time `iat` — comes from the
 * holder of that key. Built with WebCrypto alone, which signs ECDSA P-256 as
 * the raw 64-byte r||s that JWS ES256 wants (RFC 7518 §3.4), so no JOSE
 * library is needed and the private key never has to leave the CryptoKey.
 */

export interface DpopClaims {
  /** The HTTP method, "POST" for a tRPC mutation. */
  htm: string;
  /** The request's URL without query or fragment (RFC 9449 §4.2). */
  htu: string;
  /** When the proof was made, in the server's time if known (epoch seconds). */
  iat: number;
}

/** The public members of a P-256 key, all a proof may show (RFC 9449 §4.2: no private key in the header). */
export interface PublicEcJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

const encoder = new TextEncoder();

/** Signs a fresh proof with `keys` for one request. */
export async function createDpopProof(
  keys: CryptoKeyPair,
  claims: DpopClaims,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<string> {
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: await publicJwk(keys.publicKey, subtle) };
  // 128 random bits: the server remembers each jti to refuse a replayed proof.
  const jti = base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const payload = { jti, htm: claims.htm, htu: claims.htu, iat: claims.iat };
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  const signature = await subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    keys.privateKey,
    encoder.encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}

/**
 * The public half as a JWK. Exporting works even though the private key is
 * not extractable (a generated pair's public key always is); only the four
 * public members are kept, dropping `key_ops` and `ext`.
 */
export async function publicJwk(
  publicKey: CryptoKey,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<PublicEcJwk> {
  const { kty, crv, x, y } = await subtle.exportKey("jwk", publicKey);
  if (kty !== "EC" || crv !== "P-256" || !x || !y) throw new Error("Not a P-256 public key.");
  return { kty, crv, x, y };
}

function base64urlJson(value: unknown): string {
  return base64url(encoder.encode(JSON.stringify(value)));
}

/** RFC 4648 §5 without padding; `btoa` exists in browsers and Node alike, `Buffer` only in Node. */
function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
