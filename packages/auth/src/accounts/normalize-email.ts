/**
 * One spelling per address, so `Ann@Example.com ` and `ann@example.com` are one
 * account (and one throttle counter). Local parts are case-insensitive in
 * practice at every provider users sign up with.
 */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}
