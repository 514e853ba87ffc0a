import type { AuthService, RequestMeta } from "@sesame/auth";
import type { DeviceCookie } from "../http/device-cookie.ts";
import type { OAuthCookie } from "../http/oauth-cookie.ts";
import type { OriginPolicy } from "../http/origin-policy.ts";
import type { RefreshCookie } from "../http/refresh-cookie.ts";
import type { SesameRequest } from "../http/sesame-request.ts";

/** Where procedures put response headers (Set-Cookie): a fetch `Headers`, or node's response. */
export interface ResponseHeaders {
  append(name: string, value: string): void;
}

/** What Sesame's procedures read about one request, built once per request. */
export interface RequestContext extends SesameDeps {
  req: SesameRequest;
  resHeaders: ResponseHeaders;
  meta: RequestMeta;
}

/** The parts of a Sesame instance every request shares. */
export interface SesameDeps {
  auth: AuthService;
  refreshCookie: RefreshCookie;
  deviceCookie: DeviceCookie;
  oauthCookie: OAuthCookie;
  originPolicy: OriginPolicy;
  /** The public origin (the token issuer): DPoP proofs may name it. */
  issuer: string;
  /** Where the tRPC API is served, e.g. `/trpc`: DPoP proofs name `<origin><endpoint>/<path>`. */
  endpoint: string;
}

/**
 * The one key Sesame adds to a host's tRPC context. Namespaced so that it
 * never collides with the host's own `req`, `db` or `user`: a host's
 * `createContext` returns `{ ...sesame.createContext(opts), ...its own }`.
 */
export interface SesameContext {
  sesame: RequestContext;
}

/** Who is asking, as stored with sessions and audit events: the IP, and the user agent cut to 512 characters. */
export function requestMeta(req: SesameRequest, ip: string | null): RequestMeta {
  return { ip, userAgent: req.headers.get("user-agent")?.slice(0, 512) ?? null };
}
