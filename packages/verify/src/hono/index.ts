/** `@sesame/verify/hono` — Sesame's access tokens in a Hono service. */

export type { VerifiedSession, VerifiedUser } from "../verified-identity.ts";
export {
  type SesameBearerOptions,
  type SesameVariables,
  sesameBearer,
} from "./sesame-bearer.ts";
