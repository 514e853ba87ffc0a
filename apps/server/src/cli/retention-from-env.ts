import { retiredKeyRetention } from "@sesame/auth";
import type { Env } from "../env.ts";

/**
 * How long a retired key stays published, from the same settings the server
 * issues tokens with — so the server and `pnpm keys rotate` always agree.
 */
export function retentionFromEnv(env: Env): number {
  return retiredKeyRetention({
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    sessionIdleTtl: env.SESSION_IDLE_TTL,
    sessionAbsoluteTtl: env.SESSION_ABSOLUTE_TTL,
    clockTolerance: env.CLOCK_TOLERANCE,
  });
}
