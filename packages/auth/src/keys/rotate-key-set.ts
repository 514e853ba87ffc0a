import { NEXT_KEY_MIN_PUBLISHED } from "./jwks-cache-policy.ts";
import { KeySetError } from "./key-set-error.ts";
import { pruneRetiredKeys } from "./prune-retired-keys.ts";
import {
  generateSigningKey,
  type KeyStatus,
  type SigningAlgorithm,
  type SigningKeyRecord,
} from "./signing-key.ts";

export interface RotateKeySetOptions {
  /** Epoch ms; the caller's clock. */
  now: number;
  /** Algorithm of the fresh `next` key: the configured SIGNING_ALG. */
  alg: SigningAlgorithm;
  /** Seconds a retired key is kept (`retiredKeyRetention`). */
  retentionSeconds: number;
  /** Seconds the `next` key must have been published before it may sign. */
  minNextPublishedSeconds?: number;
  /** Rotate even if the new signing key was published too recently (or never): for a compromised key. */
  force?: boolean;
  /** Key generator, injected so tests need not make real keys. */
  generate?: (alg: SigningAlgorithm, status: KeyStatus, now: number) => Promise<SigningKeyRecord>;
}

export interface KeyRotation {
  /** The new key set, current first, then next, then retired (newest first). */
  keys: SigningKeyRecord[];
  /** The kid that signs from now on. */
  promoted: string;
  /** The kid that stopped signing. */
  retired: string;
  /** Kids of freshly generated keys. */
  generated: string[];
  /** Kids of retired keys dropped because everything they signed has expired. */
  pruned: string[];
}

/**
 * One rotation step, as a pure function of the key set and the time:
 * `next` → `current`, `current` → `retired`, a fresh `next` is generated, and
 * retired keys past their retention are dropped. Nothing is ever re-signed and
 * no key a live token needs is removed, so nobody is logged out.
 *
 * The promoted key must have been published for `minNextPublishedSeconds`
 * (the JWKS cache lifetime, see `jwks-cache-policy.ts`) so that every verifier
 * already has it cached; `force` skips that wait. When SIGNING_ALG has
 * changed, the existing `next` (old algorithm) is promoted and the fresh one
 * uses the new algorithm: a second rotation completes the switch, and every
 * key keeps its own pinned algorithm throughout.
 *
 * @example
 * const { keys } = await rotateKeySet(readKeyFile(path), { now: Date.now(), alg: "EdDSA", retentionSeconds });
 */
export async function rotateKeySet(
  records: readonly SigningKeyRecord[],
  options: RotateKeySetOptions,
): Promise<KeyRotation> {
  const { now, force = false, generate = generateSigningKey } = options;
  const minPublishedMs = (options.minNextPublishedSeconds ?? NEXT_KEY_MIN_PUBLISHED) * 1000;
  const currents = records.filter((record) => record.status === "current");
  const [current] = currents;
  if (!current || currents.length > 1) {
    throw new KeySetError(
      "ERR_KEY_SET_INVALID",
      `A key set needs exactly one current key, found ${currents.length}.`,
    );
  }

  const nextKeys = records
    .filter((record) => record.status === "next")
    .sort((a, b) => a.createdAt - b.createdAt);
  let promoted = nextKeys[0];
  const generated: SigningKeyRecord[] = [];
  if (!promoted) {
    if (!force) {
      throw new KeySetError(
        "ERR_KEY_SET_NO_NEXT_KEY",
        "There is no published next key: a new signing key would sign tokens no verifier has cached yet. Rotate with --force to do it anyway.",
      );
    }
    promoted = await generate(options.alg, "next", now);
    generated.push(promoted);
  } else if (!force && promoted.alg !== "HS256" && now - promoted.createdAt < minPublishedMs) {
    // HS256 keys are never published, so no verifier cache has to catch up.
    const readyAt = new Date(promoted.createdAt + minPublishedMs).toISOString();
    throw new KeySetError(
      "ERR_KEY_SET_NEXT_KEY_TOO_NEW",
      `The next key ${promoted.kid} has been published for less than ${minPublishedMs / 1000} s, so cached key sets may not hold it yet. Rotate after ${readyAt}, or with --force.`,
    );
  }

  const promotedKid = promoted.kid;
  const rotated: SigningKeyRecord[] = [];
  for (const record of [...records, ...generated]) {
    if (record.kid === current.kid) {
      rotated.push({ ...record, status: "retired", retiredAt: now });
    } else if (record.kid === promotedKid) {
      rotated.push({ ...record, status: "current", activatedAt: now });
    } else {
      rotated.push(record);
    }
  }
  if (!rotated.some((record) => record.status === "next")) {
    const fresh = await generate(options.alg, "next", now);
    generated.push(fresh);
    rotated.push(fresh);
  }

  const { kept, dropped } = pruneRetiredKeys(rotated, now, options.retentionSeconds);
  return {
    keys: kept.sort(byStatusThenAge),
    promoted: promotedKid,
    retired: current.kid,
    generated: generated.map((record) => record.kid),
    pruned: dropped.map((record) => record.kid),
  };
}

const STATUS_ORDER = { current: 0, next: 1, retired: 2 } as const;

function byStatusThenAge(a: SigningKeyRecord, b: SigningKeyRecord): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (b.retiredAt ?? b.createdAt) - (a.retiredAt ?? a.createdAt)
  );
}
