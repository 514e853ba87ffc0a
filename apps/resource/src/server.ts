import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Clock, createRemoteVerifier, type RemoteVerifier } from "@sesame/auth/remote";
import { createResourceApp } from "./app.ts";
import type { ResourceEnv } from "./env.ts";
import { NoteStore } from "./note-store.ts";

export interface RunningResourceServer {
  url: string;
  port: number;
  verifier: RemoteVerifier;
  close(): Promise<void>;
}

/** Starts the notes service; `clock` lets tests move time for token expiry. */
export async function startResourceServer(
  env: ResourceEnv,
  overrides: { clock?: Clock } = {},
): Promise<RunningResourceServer> {
  const verifier = createRemoteVerifier({
    issuer: env.SESAME_ISSUER,
    audience: env.SESAME_AUDIENCE,
    jwksUri: env.SESAME_JWKS_URL,
    clockTolerance: env.CLOCK_TOLERANCE,
    clock: overrides.clock,
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
