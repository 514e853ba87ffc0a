import { ManualClock, PasswordHasher } from "@sesame/auth";
import fc from "fast-check";
import { describe, it } from "vitest";
import { authCommands, type Real, ran, signedUpModel } from "./support/auth-model.ts";
import { type Backend, backends } from "./support/backends.ts";
import { authOn } from "./support/fixtures.ts";

/** Real argon2id, at a cost that lets a run hash a few dozen passwords in well under a second. */
const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

describe.each(backends)("the session rules on $dialect, against a model", (backend: Backend) => {
  it("hold for random sequences of sign-ups, logins, refreshes (parallel, replayed, in and past the grace window), logouts, revocations and password changes over two processes", async () => {
    // One database for every run: each run signs up users of its own.
    const first = await backend.open();
    const storages: Real["storages"] = [first, await backend.openSecond(first)];
    await fc.assert(
      fc.asyncProperty(
        fc.commands(authCommands, { maxCommands: 15, size: "max" }),
        async (commands) => {
          const clock = new ManualClock(Date.now());
          const a = await authOn(storages[0], clock, { hasher });
          const b = await authOn(storages[1], clock, { hasher });
          try {
            const real: Real = { backend, clock, processes: [a.auth, b.auth], storages };
            const model = await signedUpModel(real);
            await fc.asyncModelRun(() => ({ model, real }), commands);
          } finally {
            await a.auth.stop();
            await b.auth.stop();
          }
        },
      ),
      { numRuns: 50 },
    );
    console.log(`${backend.dialect}: commands run`, Object.fromEntries(ran));
    ran.clear();
  }, 120_000);
});
