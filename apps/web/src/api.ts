import type { AppRouter } from "@sesame/server";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

/** The typed API client: only the router's *type* crosses from the server. */
export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/trpc" })],
});

export async function currentUserEmail(): Promise<string> {
  const user = await api.user.me.query();
  return user.email;
}
