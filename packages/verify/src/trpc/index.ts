/** `@sesame/verify/trpc` — Sesame's access tokens in a team's own tRPC service. */
export type { VerifiedSession, VerifiedUser } from "../verified-identity.ts";
export { tokenErrorData } from "./token-error-data.ts";
export { type BearerContext, verifiedProcedure } from "./verified-procedure.ts";
