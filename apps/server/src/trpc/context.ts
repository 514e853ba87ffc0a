import type { AuthService, RequestMeta } from "@sesame/auth";
import type { DeviceCookie } from "../http/device-cookie.ts";
import type { OAuthCookie } from "../http/oauth-cookie.ts";
import type { OriginPolicy } from "../http/origin-policy.ts";
import type { RefreshCookie } from "../http/refresh-cookie.ts";

/** What the HTTP layer hands every procedure, built once per request. */
export interface RequestContext {
  auth: AuthService;
  req: Request;
  resHeaders: Headers;
  meta: RequestMeta;
  refreshCookie: RefreshCookie;
  deviceCookie: DeviceCookie;
  oauthCookie: OAuthCookie;
  originPolicy: OriginPolicy;
  /** The public origin (PUBLIC_URL): DPoP proofs may name it. */
  issuer: string;
}

export interface ContextDeps {
  auth: AuthService;
  refreshCookie: RefreshCookie;
  deviceCookie: DeviceCookie;
  oauthCookie: OAuthCookie;
  originPolicy: OriginPolicy;
  issuer: string;
}

/**
 * The inner context, callable without HTTP (tests call it with a plain
 * `Request`): everything a procedure may read about the request.
 */
export function createContextInner(
  deps: ContextDeps,
  req: Request,
  resHeaders: Headers,
  ip: string | null,
): RequestContext {
  return { ...deps, req, resHeaders, meta: requestMeta(req, ip) };
}

/** Who is asking, as stored with sessions and audit events: the IP, and the user agent cut to 512 characters. */
export function requestMeta(req: Request, ip: string | null): RequestMeta {
  return { ip, userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null };
}

export type Context = RequestContext;
