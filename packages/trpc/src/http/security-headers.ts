import type { MiddlewareHandler } from "hono";

/** The strict CSP for the SPA: scripts and styles only from this origin, no plugins, no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The standard hardening headers on every response (OWASP secure headers):
 * the CSP above, no MIME sniffing, no referrer leakage, HSTS, isolation
 * from cross-origin windows, and `X-XSS-Protection: 0`: the legacy XSS
 * auditor of old browsers could be abused to blank out or leak parts of a
 * page, so OWASP advises turning it off and relying on the CSP. Spelled out
 * here rather than left to a library's defaults, so that a change of
 * default cannot drop one, and so that the Hono app and the node fast path
 * (trpc-fast-path.ts) send the very same list.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ["content-security-policy", CONTENT_SECURITY_POLICY],
  ["cross-origin-opener-policy", "same-origin"],
  ["cross-origin-resource-policy", "same-origin"],
  ["origin-agent-cluster", "?1"],
  ["referrer-policy", "no-referrer"],
  ["strict-transport-security", "max-age=63072000; includeSubDomains"],
  ["x-content-type-options", "nosniff"],
  ["x-dns-prefetch-control", "off"],
  ["x-download-options", "noopen"],
  ["x-frame-options", "DENY"],
  ["x-permitted-cross-domain-policies", "none"],
  ["x-xss-protection", "0"],
];

/**
 * Sets SECURITY_HEADERS over whatever the handler answered, and drops any
 * `X-Powered-By`. Applied as the first middleware, it covers every response
 * Hono sends, the HTTP layer's own refusals (413, 415) and tRPC's answers
 * included.
 */
export const securityHeaders =
  (): MiddlewareHandler =>
  async (c, next): Promise<void> => {
    await next();
    for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
    c.res.headers.delete("x-powered-by");
  };
