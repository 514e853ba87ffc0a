import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, readEnv, startServer } from "@sesame/server";
import { ShiftingClock } from "./shifting-clock.ts";

export const WEB_DIST = fileURLToPath(new URL("../../dist", import.meta.url));

export interface SesameApp {
  server: RunningServer;
  clock: ShiftingClock;
  /** http://127.0.0.1:<port>: Chromium keeps `Secure` cookies on loopback over plain HTTP. */
  url: string;
  /** Moves the server past the access tokens' lifetime and clock tolerance. */
  expireAccessTokens(): void;
  /** The user's live sessions as the server sees them. */
  liveSessions(email: string): Promise<Array<{ id: string }>>;
  /** The types of the user's audit events, newest first. */
  auditTypes(email: string): Promise<string[]>;
  close(): Promise<void>;
}

const ACCESS_TOKEN_TTL = 600;
const CLOCK_TOLERANCE = 30;

/** The real server over a fresh SQLite file, serving the built web app and the API from one origin. */
export async function startSesameApp(env: Record<string, string> = {}): Promise<SesameApp> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-web-"));
  const clock = new ShiftingClock();
  const server = await startServer(
    readEnv({
      PORT: "0",
      DATABASE_URL: join(dir, "sesame.db"),
      SIGNING_KEYS_FILE: join(dir, "keys.json"),
      WEB_DIST,
      LOG_LEVEL: "silent",
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
      CLOCK_TOLERANCE: String(CLOCK_TOLERANCE),
      ...env,
    }),
    { clock, log: () => {} },
  );
  const userId = async (email: string) => {
    const user = await server.storage.users.findByEmail(email);
    if (!user) throw new Error(`No user ${email}`);
    return user.id;
  };
  return {
    server,
    clock,
    url: server.url,
    expireAccessTokens: () => clock.advance((ACCESS_TOKEN_TTL + CLOCK_TOLERANCE + 1) * 1000),
    liveSessions: async (email) => server.auth.sessions.list(await userId(email), ""),
    auditTypes: async (email) =>
      (await server.auth.auditLog(await userId(email), 200)).map((event) => event.type),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
