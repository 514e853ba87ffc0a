import type { DpopRequest } from "./dpop/dpop-request.ts";

/** Who is asking, as far as the transport can tell. Stored with sessions and audit events. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** The request's DPoP proof (RFC 9449), if it carried one. */
  dpop?: DpopRequest;
}
