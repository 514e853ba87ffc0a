import type { AppRouter } from "@sesame/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** Typed query and mutation options for every procedure; only the router's *type* crosses from the server. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
