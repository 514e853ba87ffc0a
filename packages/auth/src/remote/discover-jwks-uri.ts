import { type FetchJsonOptions, fetchJson } from "./fetch-json.ts";
import { RemoteKeysError } from "./remote-keys-error.ts";

/**
 * Finds an issuer's JWK Set from its metadata at
 * `${issuer}/.well-known/openid-configuration` (RFC 8414 §3, OpenID Connect
 * Discovery §4). The metadata's `issuer` must equal the configured one exactly
 * (RFC 8414 §3.3), so one issuer's document can never stand in for another's,
 * and an https issuer's `jwks_uri` must be https too.
 */
export async function discoverJwksUri(issuer: string, options: FetchJsonOptions): Promise<string> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const { body } = await fetchJson(url, options);
  const metadata = (typeof body === "object" && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (metadata.issuer !== issuer) {
    throw new RemoteKeysError(
      "ERR_DISCOVERY_INVALID",
      `${url} names issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}.`,
    );
  }
  const jwksUri = metadata.jwks_uri;
  if (typeof jwksUri !== "string" || !URL.canParse(jwksUri)) {
    throw new RemoteKeysError("ERR_DISCOVERY_INVALID", `${url} has no valid jwks_uri.`);
  }
  const protocol = new URL(jwksUri).protocol;
  const issuerProtocol = new URL(issuer).protocol;
  if (protocol !== "https:" && (protocol !== "http:" || issuerProtocol === "https:")) {
    throw new RemoteKeysError(
      "ERR_DISCOVERY_INVALID",
      `${url} has a jwks_uri that is not ${issuerProtocol === "https:" ? "https" : "http(s)"}.`,
    );
  }
  return jwksUri;
}
