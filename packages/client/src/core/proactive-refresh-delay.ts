/**
 * How long to wait before refreshing a token that expires at `expiresAt`
 * (epoch seconds): until `aheadMs` before expiry, but giving up at most a
 * fifth of what is left, so a short-lived token is not refreshed at once.
 * Undefined when this clock already sees the token as expired: the clocks
 * disagree, and the retry on TOKEN_EXPIRED is the safer path.
 */
export function proactiveRefreshDelay(
  expiresAt: number,
  nowMs: number,
  aheadMs: number,
): number | undefined {
  const remainingMs = expiresAt * 1000 - nowMs;
  if (remainingMs <= 0) return undefined;
  return Math.max(remainingMs - aheadMs, remainingMs * 0.8);
}
