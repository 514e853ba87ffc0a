import type { KeyRing } from "./key-ring.ts";

/**
 * Where the auth core gets its keys. The ring can be swapped at run time (key
 * rotation without a restart), so callers ask for it on each use; comparing the
 * returned instance tells them the keys changed.
 */
export interface KeyRingSource {
  current(): KeyRing;
}

/** A source that never changes: tests and single-key setups. */
export const staticKeyRing = (ring: KeyRing): KeyRingSource => ({ current: () => ring });
