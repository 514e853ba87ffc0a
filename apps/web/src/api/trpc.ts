import type { AppRouter } from "@sesame/trpc";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/**
 * Typed query and mutation options for every procedure; only the router's
 * *type* crosses from the server. The client itself is for a request made
 * of several calls with the browser in between (a passkey's ceremony).
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
