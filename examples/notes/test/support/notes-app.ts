import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNotesServer } from "../../src/server/start-notes-server.ts";
import { ShiftingClock } from "./shifting-clock.ts";

/** A short access-token lifetime, so "expired" is a small step of the clock. */
const ACCESS_TOKEN_TTL = 60;
/** The leeway Sesame gives `exp` and a DPoP proof's `iat`: a proof dated a second early still counts. */
const CLOCK_TOLERANCE = 30;

export interface NotesApp {
  /** http://127.0.0.1:<port>, where the server listens. */
  url: string;
  /** Moves Sesame's clock past the lifetime of every access token handed out so far. */
  expireAccessTokens(): void;
  /**
   * Back to real time, for the next test: a browser that just loaded dates
   * its first DPoP proof by its own clock, and one further behind Sesame's
   * than the tolerance would spend a refresh learning the difference.
   */
  restoreClock(): void;
  close(): Promise<void>;
}

/** The example's own server on a free port, over a fresh SQLite file, as `pnpm start` runs it. */
export async function startNotesApp(): Promise<NotesApp> {
  const dir = mkdtempSync(join(tmpdir(), "sesame-notes-"));
  const clock = new ShiftingClock();
  const server = await startNotesServer({
    port: 0,
    database: join(dir, "sesame.db"),
    sesame: {
      config: { accessTokenTtl: ACCESS_TOKEN_TTL, clockTolerance: CLOCK_TOLERANCE },
      clock,
      log: () => {},
    },
  });
  return {
    url: server.url,
    expireAccessTokens: () => clock.advance((ACCESS_TOKEN_TTL + CLOCK_TOLERANCE + 1) * 1000),
    restoreClock: () => clock.reset(),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
