/**
 * A DPoP proof (RFC 9449) as the transport received it: the `DPoP` header of
 * the request, the HTTP method, and the URLs (without query) the request may
 * be said to have targeted — the public one under the issuer and the one the
 * server saw.
 */
export interface DpopRequest {
  proof: string;
  method: string;
  urls: readonly string[];
}
