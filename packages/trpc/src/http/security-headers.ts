import { secureHeaders } from "hono/secure-headers";

/**
 * The standard hardening headers on every response (OWASP secure headers):
 * a strict CSP for the SPA (scripts and styles only from this origin, no
 * framing), no MIME sniffing, no referrer leakage, HSTS, isolation from
 * cross-origin windows, and `X-XSS-Protection: 0`: the legacy XSS auditor of
 * old browsers could be abused to blank out or leak parts of a page, so OWASP
 * advises turning it off and relying on the CSP. Set here rather than left to
 * Hono's default, so a change of default cannot drop it. Applied as the first
 * middleware, it covers every response Hono sends, the HTTP layer's own
 * refusals (413, 415) and tRPC's answers included.
 */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    strictTransportSecurity: "max-age=63072000; includeSubDomains",
    referrerPolicy: "no-referrer",
    crossOriginOpenerPolicy: "same-origin",
    crossOriginResourcePolicy: "same-origin",
    xFrameOptions: "DENY",
    xXssProtection: "0",
  });
