import type { TimingOptions } from "./micro/time-per-op.ts";

/** How long and how big each scenario runs: the full run, or `--quick` for a smoke run. */
export interface BenchSettings {
  quick: boolean;
  /** Seconds of discarded load before each measured run. */
  warmup: number;
  /** Seconds of each measured load run. */
  duration: number;
  /** The request-path comparisons (items 1–3, 9): short interleaved rounds, the best of each counts. */
  paths: { rounds: number; warmup: number; duration: number };
  /** Concurrent connections of the main load (each its own session where tokens are involved). */
  connections: number;
  /** Concurrent logins during the login storm. */
  loginConnections: number;
  micro: TimingOptions;
  memory: { users: number; fewSessions: number; manySessions: number; tokens: number };
  /** The PostgreSQL section: rotations of one session over which the bytes per rotation are amortized (the 1,000 in a quick run too: it takes seconds). */
  postgres: { rotations: number };
}

export function benchSettings(quick: boolean): BenchSettings {
  if (quick) {
    return {
      quick,
      warmup: 0.5,
      duration: 1.5,
      paths: { rounds: 1, warmup: 0.5, duration: 1.5 },
      connections: 50,
      loginConnections: 8,
      micro: { warmupMs: 100, durationMs: 300 },
      memory: { users: 10_000, fewSessions: 1_000, manySessions: 100_000, tokens: 500 },
      postgres: { rotations: 1_000 },
    };
  }
  return {
    quick,
    // The refresh and login paths take seconds of traffic before V8 has optimized them.
    warmup: 3,
    duration: 5,
    paths: { rounds: 6, warmup: 0.5, duration: 2.5 },
    connections: 50,
    loginConnections: 8,
    micro: { warmupMs: 300, durationMs: 1500 },
    memory: { users: 100_000, fewSessions: 10_000, manySessions: 1_000_000, tokens: 2_000 },
    postgres: { rotations: 1_000 },
  };
}
