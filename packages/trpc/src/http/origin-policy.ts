import type { SesameRequest } from "./sesame-request.ts";

/**
 * Which browser origins may call the API with credentials: the server's own
 * origin (always) and ALLOWED_ORIGINS. "Own" is both the origin a request was
 * addressed to and the public one (PUBLIC_URL): behind a TLS-terminating
 * proxy the request arrives as `http:`, while the page calling it is
 * `https:`. Used for CORS and for the CSRF check on cookie-authenticated
 * mutations (OWASP CSRF cheat sheet: verify Origin, fall back to
 * Sec-Fetch-Site).
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;
  private readonly publicOrigin: string;

  constructor(allowedOrigins: string[], publicUrl: string) {
    this.allowed = new Set(allowedOrigins.map((origin) => new URL(origin).origin));
    this.publicOrigin = new URL(publicUrl).origin;
  }

  /** For CORS: only configured origins are named, and never `*` (credentials are allowed). */
  isAllowedCrossOrigin(origin: string): boolean {
    return this.allowed.has(origin);
  }

  /**
   * Whether a request may use the refresh cookie. A browser always sends
   * `Origin` on a cross-site POST; when it is absent, `Sec-Fetch-Site` tells;
   * a request with neither is not from a browser page, and a non-browser
   * client holds its cookie jar itself, so there is no CSRF to stop.
   */
  allowsCookieRequest(request: SesameRequest): boolean {
    const origin = request.headers.get("origin");
    if (origin !== null) {
      return (
        origin === this.publicOrigin || origin === ownOrigin(request) || this.allowed.has(origin)
      );
    }
    const site = request.headers.get("sec-fetch-site");
    return site === null || site === "same-origin" || site === "none";
  }
}

function ownOrigin(request: SesameRequest): string {
  return new URL(request.url).origin;
}
