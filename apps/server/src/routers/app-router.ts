import { router } from "../trpc/trpc.ts";
import { auditRouter } from "./audit-router.ts";
import { authRouter } from "./auth-router.ts";
import { identityRouter } from "./identity-router.ts";
import { mfaRouter } from "./mfa-router.ts";
import { passkeyRouter } from "./passkey-router.ts";
import { sessionRouter } from "./session-router.ts";
import { userRouter } from "./user-router.ts";

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  session: sessionRouter,
  audit: auditRouter,
  mfa: mfaRouter,
  passkey: passkeyRouter,
  identity: identityRouter,
});

/** The API's type, the only thing clients import from the server. */
export type AppRouter = typeof appRouter;
