import type { KeyObject } from "node:crypto";
import { sign } from "node:crypto";
import type { TestServer } from "./test-server.ts";

export const b64url = (value: unknown): string =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/**
 * Builds tokens for the attack suite with the server's real signing key, so a
 * refusal proves the *content* was checked, not merely that the signature
 * failed. Starts from the claims of a genuine access token.
 */
export function forger(server: TestServer, genuineAccessToken: string) {
  const signing = server.keys.current().signingKey();
  const [headerPart = "", payloadPart = ""] = genuineAccessToken.split(".");
  const header = JSON.parse(Buffer.from(headerPart, "base64url").toString()) as Record<
    string,
    unknown
  >;
  const claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString()) as Record<
    string,
    unknown
  >;
  return {
    header,
    claims,
    kid: signing.kid,
    /** Signs any header and payload with the server's own key (EdDSA / ES256 / RS256). */
    signed(
      h: Record<string, unknown>,
      payload: Record<string, unknown> | string,
      key: KeyObject = signing.key,
    ) {
      const input = `${b64url(h)}.${b64url(payload)}`;
      const algorithm = h.alg === "RS256" ? "sha256" : h.alg === "ES256" ? "sha256" : null;
      const dsaEncoding = h.alg === "ES256" ? ("ieee-p1363" as const) : undefined;
      const signature = sign(
        algorithm,
        Buffer.from(input),
        dsaEncoding ? { key, dsaEncoding } : key,
      );
      return `${input}.${signature.toString("base64url")}`;
    },
    /** Any bytes as the signature. */
    unsigned(h: Record<string, unknown>, payload: Record<string, unknown>, signature = "") {
      return `${b64url(h)}.${b64url(payload)}.${signature}`;
    },
  };
}
