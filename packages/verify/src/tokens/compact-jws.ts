/**
 * Upper bound on a token this package reads: a Sesame JWT is ~400
 * characters, so anything past this is refused before decoding or crypto.
 * (Sesame's API contract has the same bound, TOKEN_MAX_LENGTH.)
 */
export const TOKEN_MAX_LENGTH = 4096;

/** The only header parameters a Sesame token has; any other is refused. */
export interface TokenHeader {
  alg: string;
  typ: string;
  kid: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ALLOWED_HEADER_PARAMETERS = new Set(["alg", "typ", "kid"]);

/**
 * Reads the header of a compact JWS strictly, before any key is chosen or any
 * signature checked. Refuses what RFC 8725 warns about: JWE and other shapes
 * (exactly three base64url segments), empty signatures, `crit`/`b64`, keys or
 * key URLs carried by the token (`jwk`, `jku`, `x5u`, `x5c`), nested tokens
 * (`cty`), and any `kid` that is not a short plain id — it is only ever a map
 * key, never a path or a query. Answers undefined for anything refused.
 */
export function readTokenHeader(token: string): TokenHeader | undefined {
  if (token.length > TOKEN_MAX_LENGTH) return undefined;
  const firstDot = token.indexOf(".");
  const secondDot = token.indexOf(".", firstDot + 1);
  if (firstDot <= 0 || secondDot <= firstDot + 1 || token.indexOf(".", secondDot + 1) !== -1) {
    return undefined;
  }
  const encodedHeader = token.slice(0, firstDot);
  if (
    !BASE64URL.test(encodedHeader) ||
    !BASE64URL.test(token.slice(firstDot + 1, secondDot)) ||
    !BASE64URL.test(token.slice(secondDot + 1))
  ) {
    return undefined;
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
  for (const name of Object.keys(header)) {
    if (!ALLOWED_HEADER_PARAMETERS.has(name)) return undefined;
  }
  const { alg, typ, kid } = header as Record<string, unknown>;
  if (typeof alg !== "string" || typeof typ !== "string" || typeof kid !== "string") {
    return undefined;
  }
  if (!KID_PATTERN.test(kid)) return undefined;
  return { alg, typ, kid };
}
