import { createTRPCUntypedClient } from "@trpc/client";
import { AuthSession } from "../core/auth-session.ts";
import type { LockManager, SessionHint } from "../core/primitives.ts";
import type { SesameProcedures } from "../core/procedures.ts";
import { authLink } from "../trpc/auth-link.ts";
import type { FakeBroadcastHub } from "./fake-broadcast-hub.ts";
import type { FakeTokenServer } from "./fake-token-server.ts";

export interface FakeTab {
  session: AuthSession;
  /** A protected query; resolves to the path and the token the server saw. */
  call(path?: string): Promise<{ path: string; token: string }>;
}

/** One browser tab: its own session and client, sharing the server, the lock and the channel hub. */
export function openTab(
  server: FakeTokenServer,
  hub: FakeBroadcastHub,
  lock: LockManager,
  hint?: SessionHint,
  procedures?: SesameProcedures,
): FakeTab {
  const session = new AuthSession({
    refresh: server.refresh,
    logout: server.logout,
    lock,
    channel: hub.channel(),
    hint,
  });
  const client = createTRPCUntypedClient({
    links: [authLink({ session, procedures }), server.link()],
  });
  return {
    session,
    call: (path = "user.me") => client.query(path) as Promise<{ path: string; token: string }>,
  };
}
