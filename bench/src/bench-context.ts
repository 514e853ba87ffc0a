import type { BenchKeys } from "./fixtures/signing-keys.ts";
import type { BenchSettings } from "./settings.ts";

/** What every scenario gets: its settings, a scratch folder, the shared keys, and a progress log. */
export interface BenchContext {
  settings: BenchSettings;
  /** A fresh temporary folder, deleted after the run: databases go here. */
  workDir: string;
  keys: BenchKeys;
  log(message: string): void;
}

/** The password of every bench account; long enough for Sesame's policy and not a common one. */
export const BENCH_PASSWORD = "correct horse battery staple";
