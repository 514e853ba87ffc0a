/**
 * How long a verifier may cache the published JWK Set, and what that demands
 * of rotation. The two numbers are one policy:
 *
 * - `/.well-known/jwks.json` is served with `max-age=JWKS_MAX_AGE,
 *   stale-while-revalidate=JWKS_STALE_WHILE_REVALIDATE`, so a cache may go on
 *   serving a key set up to `max-age + stale-while-revalidate` seconds after it
 *   was fetched.
 * - A `next` key must therefore have been published at least that long before
 *   it starts signing (`NEXT_KEY_MIN_PUBLISHED`): by then every well-behaved
 *   cache holds it, and the first token it signs verifies everywhere, even
 *   with verifiers that never refetch on an unknown `kid`.
 * - A retired key stays published for days (see `retiredKeyRetention`), far
 *   longer than any cache lives, so a cached set never lacks a key that still
 *   has live tokens; once it is dropped, a stale cache may still hold it for
 *   a few minutes, which is harmless because everything it signed has expired.
 *
 * Five minutes keeps the JWKS endpoint cheap (one fetch per verifier per five
 * minutes) while a scheduled rotation only needs its `next` key six minutes old.
 */
export const JWKS_MAX_AGE = 300;
export const JWKS_STALE_WHILE_REVALIDATE = 60;

/** Seconds a `next` key must have been published before `rotate` promotes it. */
export const NEXT_KEY_MIN_PUBLISHED = JWKS_MAX_AGE + JWKS_STALE_WHILE_REVALIDATE;

/** The `Cache-Control` value of the JWK Set response (RFC 9111, RFC 5861). */
export const JWKS_CACHE_CONTROL = `public, max-age=${JWKS_MAX_AGE}, stale-while-revalidate=${JWKS_STALE_WHILE_REVALIDATE}`;
