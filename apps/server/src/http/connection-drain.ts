import type { Server as HttpServer } from "node:http";
import { Server as NetServer } from "node:net";

/** How long no request may be running before the remaining connections are closed. */
const QUIET_MS = 200;
/**
 * How long the listener stays open after the signal: connections the kernel
 * already accepted into the backlog would be reset if it closed at once.
 */
const LAME_DUCK_MS = 300;

/**
 * A shutdown that loses nothing (a rolling restart): after a moment for
 * connections already queued in the kernel, stop listening, keep
 * serving what is already on open connections — including requests whose
 * bytes have arrived but were not read yet — answer them with
 * `Connection: close`, and close the connections once nothing has run for a
 * moment, or when `maxMs` has passed (a stuck client cannot hold a restart).
 * Node's own `server.close()` also closes idle connections at once, which
 * resets a request that was sent but not yet read.
 */
export function connectionDrain(server: HttpServer) {
  let active = 0;
  let draining = false;
  let lastActivity = Date.now();
  server.on("request", (_request, response) => {
    active++;
    lastActivity = Date.now();
    if (draining) response.setHeader("connection", "close");
    response.once("close", () => {
      active--;
      lastActivity = Date.now();
    });
  });
  return {
    drain(maxMs: number): Promise<void> {
      draining = true;
      const started = Date.now();
      return new Promise((resolve) => {
        setTimeout(() => NetServer.prototype.close.call(server), LAME_DUCK_MS);
        const check = setInterval(() => {
          const listening = Date.now() - started < LAME_DUCK_MS;
          const quiet = !listening && active === 0 && Date.now() - lastActivity >= QUIET_MS;
          if (!quiet && Date.now() - started < maxMs) return;
          clearInterval(check);
          server.closeAllConnections();
          resolve();
        }, 25);
      });
    },
  };
}
