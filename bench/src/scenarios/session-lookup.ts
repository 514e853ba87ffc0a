import { openSqliteStorage } from "@sesame/db";
import type { BenchContext } from "../bench-context.ts";
import type { SeededDatabase } from "../fixtures/seed-database.ts";
import { timePerOp } from "../micro/time-per-op.ts";
import { formatCount, formatMicros, formatRatio } from "../report/format.ts";
import type { Section } from "../report/section.ts";
import type { VerifyCosts } from "./verify-cost.ts";

export interface LookupCosts {
  sessions: number;
  /** Sesame's session store `findById` (Drizzle prepared query). */
  storeFindById: number;
  /** The bare better-sqlite3 prepared statement. */
  rawSelect: number;
}

/**
 * Item 5: what a stateful server pays instead of a signature: one session row
 * by primary key from the seeded database (the large one), ids spread over
 * the whole table, through Sesame's store and through a bare statement.
 */
export async function measureSessionLookup(
  ctx: BenchContext,
  seeded: SeededDatabase,
): Promise<LookupCosts> {
  const storage = openSqliteStorage(seeded.path);
  const ids = seeded.sample.map((s) => s.sessionId);
  const select = storage.sqlite.prepare("SELECT * FROM sessions WHERE id = ?");
  let next = 0;
  const nextId = () => ids[next++ % ids.length] as string;
  try {
    ctx.log(`timing session lookups among ${formatCount(seeded.sessions)} sessions`);
    return {
      sessions: seeded.sessions,
      storeFindById: await timePerOp(async () => {
        if (!(await storage.sessions.findById(nextId()))) throw new Error("session missing");
      }, ctx.settings.micro),
      rawSelect: await timePerOp(() => {
        if (!select.get(nextId())) throw new Error("session missing");
      }, ctx.settings.micro),
    };
  } finally {
    storage.close();
  }
}

export function sessionLookupSection(lookup: LookupCosts, verify: VerifyCosts): Section {
  const raw = verify.rawCrypto;
  const row = (label: string, us: number) => [label, formatMicros(us), formatRatio(us / raw)];
  return {
    number: "5",
    title: `A session lookup in SQLite vs verifying a JWT (µs per check, ${formatCount(lookup.sessions)} sessions)`,
    method:
      "Random session ids from the whole seeded table (warm page cache), looked up back to back in the bench process, beside the verification figures of item 4.",
    table: {
      columns: ["check", "µs/op", "× raw node:crypto"],
      rows: [
        row("SQLite: session by id (better-sqlite3 statement)", lookup.rawSelect),
        row("SQLite: session by id (Sesame store, Drizzle)", lookup.storeFindById),
        row("JWT: node:crypto Ed25519 verify", verify.rawCrypto),
        row("JWT: Sesame authenticate, cache off", verify.authenticateUncached),
        row("JWT: Sesame authenticate, cached", verify.authenticateCached),
      ],
    },
    targets: [],
    notes: [
      `Here a session read by primary key through Sesame's store costs ${formatMicros(lookup.storeFindById)} µs, ${formatRatio(verify.rawCrypto / lookup.storeFindById)} less than one Ed25519 signature check, and a cached verification ${formatMicros(verify.authenticateCached)} µs. In-process SQLite is cheap; the case for signed access tokens is that any service holding the public key checks them with no database at all (across machines a lookup is a network round trip), and the verified-token cache makes repeating the check cost about what a lookup does, while revocation stays instant.`,
    ],
  };
}
