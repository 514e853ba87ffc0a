import { router } from "../trpc/procedures.ts";
import { auditRouter } from "./audit-router.ts";
import { authRouter } from "./auth-router.ts";
import { identityRouter } from "./identity-router.ts";
import { mfaRouter } from "./mfa-router.ts";
import { passkeyRouter } from "./passkey-router.ts";
import { sessionRouter } from "./session-router.ts";
import { userRouter } from "./user-router.ts";

/**
 * Sesame's API as a record of routers, for a host that wants it at the root
 * of its own router: `t.router({ ...sesameRouters, notes: notesRouter })`.
 * The paths are then the documented ones (`auth.login`, `user.me`, …).
 */
export const sesameRouters = {
  auth: authRouter,
  user: userRouter,
  session: sessionRouter,
  audit: auditRouter,
  mfa: mfaRouter,
  passkey: passkeyRouter,
  identity: identityRouter,
};

/**
 * Sesame's API as one router, for a host that mounts it under a key of its
 * own: `t.router({ auth: sesameRouter, notes: notesRouter })` serves
 * `auth.auth.login`, `auth.user.me`, … (tell the client the prefix).
 */
export const sesameRouter = router(sesameRouters);
