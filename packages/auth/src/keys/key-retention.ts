import type { AuthConfig } from "../auth-config.ts";

export type KeyRetentionConfig = Pick<
  AuthConfig,
  "accessTokenTtl" | "sessionIdleTtl" | "sessionAbsoluteTtl" | "clockTolerance"
>;

/**
 * Seconds a retired key must stay published and trusted after it stopped
 * signing: the longest life of anything it signed, plus the clock tolerance a
 * verifier allows past `exp`. Access tokens live `accessTokenTtl`; a refresh
 * token lives until its session's idle limit (never past the absolute one), so
 * dropping the key sooner would log out every session that has not refreshed
 * since the rotation.
 *
 * @example
 * retiredKeyRetention(AUTH_DEFAULTS); // 7 days + 30 s
 */
export function retiredKeyRetention(config: KeyRetentionConfig): number {
  const refreshTokenLifetime = Math.min(config.sessionIdleTtl, config.sessionAbsoluteTtl);
  return Math.max(config.accessTokenTtl, refreshTokenLifetime) + config.clockTolerance;
}
