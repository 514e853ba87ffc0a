import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Clock, createRemoteVerifier, type RemoteVerifier } from "@sesame/verify";
import { createResourceApp } from "./app.ts";
import type { ResourceEnv } from "./env.ts";
import { NoteStore } from "./note-store.ts";

export interface RunningResourceServer {
  url: string;
  port: number;
  verifier: RemoteVerifier;
  close(): Promise<void>;
}

/**
 * Starts the notes service; `clock` lets tests move time for token expiry.
 * With a receiver configured it follows Sesame's revocation feed, and a
 * logout at Sesame is refused here within about a second.
 */
export async function startResourceServer(
  env: ResourceEnv,
  overrides: { clock?: Clock; log?: (message: string) => void } = {},
): Promise<RunningResourceServer> {
  const log = overrides.log ?? ((message: string) => console.warn(message));
  const verifier = createRemoteVerifier({
    issuer: env.SESAME_ISSUER,
    audience: env.SESAME_AUDIENCE,
    jwksUri: env.SESAME_JWKS_URL,
    clockTolerance: env.CLOCK_TOLERANCE,
    clock: overrides.clock,
    revocations:
      env.SESAME_RECEIVER_ID && env.SESAME_RECEIVER_SECRET
        ? {
            receiverId: env.SESAME_RECEIVER_ID,
            secret: env.SESAME_RECEIVER_SECRET,
            onError: (error) => log(`Revocation feed: ${error.message}`),
          }
        : undefined,
  });
  const app = createResourceApp(verifier, new NoteStore());
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () =>
      resolve(started),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${env.HOST}:${port}`,
    port,
    verifier,
    close: async () => {
      await verifier.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}
