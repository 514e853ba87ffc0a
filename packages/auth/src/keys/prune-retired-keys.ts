import type { SigningKeyRecord } from "./signing-key.ts";

/**
 * When a retired key may be dropped: its `retiredAt` plus the retention (see
 * `retiredKeyRetention`), in epoch ms. Undefined for a key that is not retired,
 * or whose retirement time is unknown (a hand-written key set): such a key is
 * kept, since dropping it could log people out.
 */
export function retiredKeyDropsAt(
  record: SigningKeyRecord,
  retentionSeconds: number,
): number | undefined {
  if (record.status !== "retired" || record.retiredAt === undefined) return undefined;
  return record.retiredAt + retentionSeconds * 1000;
}

/**
 * Splits a key set into the keys still needed and the retired keys whose last
 * token has expired (RFC 7517 §5: a key set holds the keys in use, nothing more).
 *
 * @example
 * const { kept } = pruneRetiredKeys(keys, clock.now(), retiredKeyRetention(config));
 */
export function pruneRetiredKeys(
  records: readonly SigningKeyRecord[],
  nowMs: number,
  retentionSeconds: number,
): { kept: SigningKeyRecord[]; dropped: SigningKeyRecord[] } {
  const kept: SigningKeyRecord[] = [];
  const dropped: SigningKeyRecord[] = [];
  for (const record of records) {
    const dropsAt = retiredKeyDropsAt(record, retentionSeconds);
    (dropsAt !== undefined && dropsAt <= nowMs ? dropped : kept).push(record);
  }
  return { kept, dropped };
}
