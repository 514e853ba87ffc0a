import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import type { RequestMeta } from "../request-meta.ts";
import { ipBucket } from "../throttle/ip-bucket.ts";

/**
 * What a rotating client carried, reduced to what stays put across its
 * parallel or retried requests: the user agent and the network (IPv4 /24,
 * IPv6 /64). Only a request with the same binding gets the grace answer for
 * a spent refresh token; a thief replaying the spent parent from another
 * browser or network is treated as reuse. (A thief behind the same NAT with
 * the same user agent is not told apart: DPoP binding is the answer there.)
 */
export function clientBinding(meta: RequestMeta): string {
  return createHash("sha256")
    .update(`${networkOf(meta.ip)}\n${meta.userAgent ?? ""}`)
    .digest("base64url");
}

function networkOf(ip: string | null): string {
  if (ip === null) return "";
  const bucket = ipBucket(ip);
  if (!isIPv4(bucket)) return bucket;
  return `${bucket.split(".").slice(0, 3).join(".")}.0/24`;
}
